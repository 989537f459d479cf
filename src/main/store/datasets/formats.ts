// The dataset formats, one descriptor each: how an export writes one, how an import recognises and reads one.
// The CLI's --format choices, `iwb import`'s detection and the bench read this list; a new format is one entry.
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { StoreError } from '../errors'
import { isLerobotFolder, lerobotVersion } from './lerobot-parts'
import { isLerobotV3, readLerobotV3, writeLerobotV3, writeLerobotV3Images } from './lerobot-v3'
import { readLerobotV21, writeLerobotV21 } from './lerobot-v21'
import { isHdf5 } from './hdf5-signature'
import { readRobomimic, writeRobomimic } from './robomimic-lazy'
import type { Dataset, DatasetTasks } from './types'

/** What a path holds, as far as detection looks: a folder, or a file and its first bytes. */
export type PathProbe = { folder: true } | { folder: false; head: Buffer }

export interface DatasetFormatSpec {
  id: string
  /** what it is, as an error lists it: 'an HDF5 file (robomimic)' */
  summary: string
  /** what an export writes at --out */
  out: 'file' | 'folder'
  /** whether it holds camera images (`iwb export --cameras`) */
  images: boolean
  write(dataset: Dataset, out: string): Promise<{ episodes: number; steps: number }>
  /** whether `path` holds this format; the first format that says so reads it */
  detect(path: string, probe: PathProbe): boolean
  read(path: string, tasks: DatasetTasks, taskId?: string): Promise<Dataset>
}

export const DATASET_FORMATS = [
  {
    id: 'robomimic',
    summary: 'an HDF5 file (robomimic)',
    out: 'file',
    images: true,
    write: async (dataset, out) => {
      const r = await writeRobomimic(dataset, out)
      return { episodes: r.demos, steps: r.steps }
    },
    detect: (_path, probe) => !probe.folder && isHdf5(probe.head),
    read: readRobomimic,
  },
  {
    id: 'lerobot',
    summary: 'a LeRobot v3.0 dataset folder',
    out: 'folder',
    images: true,
    write: (dataset, out) =>
      dataset.images ? writeLerobotV3Images(dataset, out) : Promise.resolve(writeLerobotV3(dataset, out)),
    detect: (path, probe) => probe.folder && isLerobotFolder(path) && isLerobotV3(lerobotVersion(path)),
    read: readLerobotV3,
  },
  {
    // v2.0 and v2.1 (one file per episode), and any other LeRobot folder: its reader names the version it refuses
    id: 'lerobot-v2.1',
    summary: 'a LeRobot v2.0 / v2.1 dataset folder',
    out: 'folder',
    images: false,
    write: (dataset, out) => Promise.resolve(writeLerobotV21(dataset, out)),
    detect: (path, probe) => probe.folder && isLerobotFolder(path),
    read: readLerobotV21,
  },
] as const satisfies readonly DatasetFormatSpec[]

export type DatasetFormatId = (typeof DATASET_FORMATS)[number]['id']
/** The workbench's own export (JSON lines, store/export.ts) and every dataset format: `iwb export --format`. */
export const EXPORT_FORMATS = ['jsonl', ...DATASET_FORMATS.map((f) => f.id)] as ['jsonl', ...DatasetFormatId[]]
export type ExportFormat = 'jsonl' | DatasetFormatId

export function datasetFormat(id: DatasetFormatId): DatasetFormatSpec {
  return DATASET_FORMATS.find((f) => f.id === id)!
}

/** What PATH holds: a workbench export folder (manifest.json), or a dataset format that recognises it. */
export function detectFormat(path: string): ExportFormat {
  let st
  try {
    st = statSync(path)
  } catch {
    throw new StoreError('not-found', `${path} does not exist`)
  }
  if (!st.isDirectory() && !st.isFile())
    throw new StoreError('invalid-export', `${path} is not a regular file or folder; nothing was imported`)
  const probe: PathProbe = st.isDirectory() ? { folder: true } : { folder: false, head: firstBytes(path, 8) }
  const found = DATASET_FORMATS.find((f) => f.detect(path, probe))
  if (found) return found.id
  if (probe.folder && isFile(join(path, 'manifest.json'))) return 'jsonl'
  const known = ['a workbench export folder (manifest.json)', ...DATASET_FORMATS.map((f) => f.summary)]
  throw new StoreError('invalid-export', `${path} is not ${known.join(' or ')}; nothing was imported`)
}

function firstBytes(path: string, n: number): Buffer {
  const head = Buffer.alloc(n)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, head, 0, n, 0)
  } finally {
    closeSync(fd)
  }
  return head
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
