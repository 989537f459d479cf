// The store's public surface: open a workspace file and everything it hands out.
export { openWorkspace, Workspace, type StoredQuery } from './workspace'
export {
  checkIntegrity,
  describeWorkspace,
  type OpenOptions,
  type IntegrityReport,
  type WorkspaceDescription,
} from './open'
export { StoreError, type StoreErrorCode } from './errors'
export { EpisodeRecorder, type RecorderOptions, type EpisodeSummary } from './recorder'
export { Recording, type RecordingFailure, type RecordingStart } from './recording'
export {
  trimEpisode,
  splitEpisode,
  markBad,
  undoEdit,
  listEdits,
  type EpisodeEdit,
  type EditKind,
} from './episode-edits'
export { mergeWorkspace, type MergeResult, type MergedFrom } from './episode-merge'
export { purgePlan, purgeReplaced, type PurgePlan } from './episode-purge'
export { SqliteSessionLog } from './sqlite-session-log'
export { SCHEMA_VERSION, migrations } from './migrations'
export * from './types'
export { exportWorkspace, type ExportOptions, type ExportResult } from './export'
export {
  importExport,
  validateExport,
  readExportTaskFiles,
  type ExportTaskFiles,
  type ImportOptions,
  type ImportResult,
} from './import'
export { EXPORT_FILES, EXPORT_FORMAT, EXPORT_VERSION } from './export-format'
export { defaultWorkspaceFile, ensureDefaultWorkspaceFile } from './default-workspace'
export { loadDemonstrations, resolveDemonstrations, returnPreview, type SessionDemonstration } from './demonstrations'
export {
  measureHumanCost,
  demonstrationTimes,
  queryTimes,
  labelTimes,
  secondsPerDemoState,
  sessionEffort,
  type HumanCost,
  type DemoTime,
  type TimeFilter,
} from './human-time'
export * from './datasets'
export {
  personRecord,
  MAX_PERSON_LABELS,
  type PersonFilter,
  type PersonLabel,
  type PersonRecord,
} from './person-labels'
