// Datasets in the field's formats (formats.ts: one descriptor each), export and import.
export * from './types'
export { collectEpisodes, collectSessionLabels, collectSessionQueries, type CollectOptions } from './collect'
export { writeRobomimic, readRobomimic } from './robomimic-lazy'
export { writeLerobotV21, readLerobotV21, LEROBOT_V21 } from './lerobot-v21'
export { writeLerobotV3, writeLerobotV3Images, readLerobotV3, LEROBOT_V3, type LerobotV3Options } from './lerobot-v3'
export { validateDataset, insertDataset } from './import'
export { checkFfmpeg } from './video'
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
export {
  episodeQuality,
  flagOutliers,
  robustZ,
  OUTLIER_Z,
  QUALITY_FIGURES,
  type EpisodeQuality,
  type QualityFigure,
} from './quality'
