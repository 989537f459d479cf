// Datasets in the field's formats: robomimic HDF5 and LeRobot (v2.1) Parquet, export and import.
export * from './types'
export { collectEpisodes, collectSessionLabels, type CollectOptions } from './collect'
export { writeRobomimic, readRobomimic } from './robomimic'
export { writeLerobot, readLerobot, LEROBOT_VERSION } from './lerobot'
export { detectFormat, readDataset, validateDataset, insertDataset, type ImportKind } from './import'
export { trainValidSplit, VALID_RATIO, SPLIT_SEED } from './split'
