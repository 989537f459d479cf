// The textures a model's geoms use, for the page (SceneGeometry.textures): MuJoCo has already decoded PNG files
// and generated its builtin checker / gradient / flat textures into tex_data, so the page gets plain RGBA pixels.
// Each face is sampled down to SCENE_TEXTURE_LIMITS.side pixels a side so a 4k texture cannot bloat the scene.
import { SCENE_TEXTURE_LIMITS, type SceneGeometry } from '../../shared/contract'
import type { MjSim } from './mujoco'

type SceneTexture = NonNullable<SceneGeometry['textures']>[number]

/** mjtTexture: 2d, cube, skybox */
const TEX_TYPES: SceneTexture['type'][] = ['2d', 'cube', 'skybox']
/** mjNTEXROLE: texture slots per material; slot mjTEXROLE_RGB = 1 holds the colour texture */
const NTEXROLE = 10
const ROLE_RGB = 1

/** One texture as RGBA, each face sampled down (nearest pixel) to at most `side` pixels a side. */
export function sceneTexture(sim: MjSim, t: number, side: number = SCENE_TEXTURE_LIMITS.side): SceneTexture {
  const m = sim.model
  const type = TEX_TYPES[(m.tex_type as Int32Array)[t]] ?? '2d'
  const width = (m.tex_width as Int32Array)[t]
  const height = (m.tex_height as Int32Array)[t]
  const channels = (m.tex_nchannel as Int32Array)[t]
  const adr = (m.tex_adr as Int32Array)[t]
  const data = m.tex_data as Uint8Array
  // A cube or skybox stacks six square faces; each is sampled on its own so faces stay apart.
  const faces = type === '2d' ? 1 : 6
  const faceH = Math.floor(height / faces)
  const step = Math.max(1, Math.ceil(Math.max(width, faceH) / side))
  const w = Math.ceil(width / step)
  const fh = Math.ceil(faceH / step)
  const out = new Uint8Array(w * fh * faces * 4)
  let o = 0
  for (let f = 0; f < faces; f++) {
    for (let r = 0; r < fh; r++) {
      const row = f * faceH + r * step
      for (let c = 0; c < w; c++) {
        const i = adr + (row * width + c * step) * channels
        const grey = channels < 3
        out[o++] = data[i]
        out[o++] = grey ? data[i] : data[i + 1]
        out[o++] = grey ? data[i] : data[i + 2]
        out[o++] = channels === 4 ? data[i + 3] : channels === 2 ? data[i + 1] : 255
      }
    }
  }
  return { type, width: w, height: fh * faces, rgba: Buffer.from(out).toString('base64') }
}

/** A geom's colour texture (through its material), or -1. */
export function geomTexture(sim: MjSim, g: number): number {
  const mat = (sim.model.geom_matid as Int32Array)[g]
  return mat < 0 ? -1 : (sim.model.mat_texid as Int32Array)[mat * NTEXROLE + ROLE_RGB]
}

/** The skybox texture's id, or -1. */
export function skyboxTexture(sim: MjSim): number {
  const types = sim.model.tex_type as Int32Array
  return types.indexOf(2)
}
