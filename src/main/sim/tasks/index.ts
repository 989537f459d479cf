// The task suite's entry point: listTasks() (plain data) and makeEnv(taskId) (compiles the MJCF).
export {
  clearFolderTasks,
  folderTaskSpec,
  listTasks,
  makeEnv,
  registerFolderTask,
  taskDef,
  taskInfo,
  taskMjcf,
} from '../registry'
export type { TaskDef, TaskLogic } from './task-def'
