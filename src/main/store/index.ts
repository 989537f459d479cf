// The store's public surface: open a workspace file and everything it hands out.
export { openWorkspace, checkIntegrity, Workspace, type OpenOptions, type IntegrityReport } from './workspace'
export { StoreError, type StoreErrorCode } from './errors'
export { EpisodeRecorder, type RecorderOptions, type EpisodeSummary } from './recorder'
export { SqliteSessionLog } from './sqlite-session-log'
export { SCHEMA_VERSION, migrations } from './migrations'
export * from './types'
