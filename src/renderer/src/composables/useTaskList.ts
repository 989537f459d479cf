// The tasks the page lists: the workbench's list, fetched once, and the tasks the person added from folders since.
// A task added while the list is still on its way stays listed when the list arrives (the list may predate it).
import { shallowRef, type ShallowRef } from 'vue'
import type { TaskInfo, WorkbenchApi } from '../../../shared/contract'

export interface TaskList {
  tasks: ShallowRef<TaskInfo[]>
  /** ask the workbench for its tasks (throws as the call does) */
  load(): Promise<void>
  /** a task added from a folder: listed at once; re-adding an id replaces it */
  added(task: TaskInfo): void
}

export function useTaskList(api: WorkbenchApi): TaskList {
  const tasks = shallowRef<TaskInfo[]>([])
  const addedHere = new Map<string, TaskInfo>()
  return {
    tasks,
    async load() {
      const listed = await api.call('tasks.list', {})
      // the folder's own answer is the newest for its id
      tasks.value = [...listed.filter((t) => !addedHere.has(t.id)), ...addedHere.values()]
    },
    added(task) {
      addedHere.delete(task.id) // re-added: listed last, as the newest
      addedHere.set(task.id, task)
      tasks.value = [...tasks.value.filter((t) => t.id !== task.id), task]
    },
  }
}
