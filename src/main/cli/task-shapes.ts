// The vector sizes of every task the workbench runs (src/main/session/task-shapes.ts, which the study queue uses too).
export { taskShapes } from '../session/task-shapes'
