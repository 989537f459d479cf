// Datasets in the field's formats (formats.ts: one descriptor each), export and import.
export * from './types'
export { collectEpisodes, collectSessionLabels, type CollectOptions } from './collect'
export { writeRobomimic, readRobomimic } from './robomimic'
export { writeLerobot, readLerobot, LEROBOT_VERSION } from './lerobot'
export { validateDataset, insertDataset } from './import'
export {
  DATASET_FORMATS,
  EXPORT_FORMATS,
  datasetFormat,
  detectFormat,
  type DatasetFormatId,
  type DatasetFormatSpec,
  type ExportFormat,
} from './formats'
export { trainValidSplit, VALID_RATIO, SPLIT_SEED } from './split'
