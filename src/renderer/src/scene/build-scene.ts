// Build a three.js scene graph from the MuJoCo model's geometry. The world stays in MuJoCo's frame (z up);
// the cameras use up = +z instead of rotating the scene, so poses apply without conversion.
import * as THREE from 'three'
import type { SceneGeom, SceneGeometry } from '../../../shared/contract'

/** An arrow drawn from the tracked body (e.g. an action), in world units. */
export interface SceneArrow {
  vector: [number, number, number]
  color: number
}

export interface SceneModel {
  root: THREE.Group
  /** one group per MuJoCo body, posed by applyFrame */
  bodies: THREE.Group[]
  applyFrame(xpos: ArrayLike<number>, xquat: ArrayLike<number>): void
  /** keep directional lights (and their shadow boxes) centred on a moving robot */
  followLights(center: THREE.Vector3): void
  /** the model's skybox as a cube texture (z up: show it with backgroundRotation x = pi/2), or null */
  background: THREE.CubeTexture | null
  /** geoms drawn with their model texture */
  textured: number
  dispose(): void
}

type SceneTexture = NonNullable<SceneGeometry['textures']>[number]

/** A texture's RGBA bytes (base64 in the scene). */
function textureBytes(t: SceneTexture): Uint8Array {
  const bin = atob(t.rgba)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** One face of a scene texture (a 2d texture is its only face) as a repeating three.js texture. */
function faceTexture(t: SceneTexture, bytes: Uint8Array, face: number): THREE.DataTexture {
  const faces = t.type === '2d' ? 1 : 6
  const h = Math.floor(t.height / faces)
  const size = t.width * h * 4
  // Rows are bottom-up in MuJoCo's tex_data, as WebGL uploads them without flipY.
  const tex = new THREE.DataTexture(bytes.slice(face * size, (face + 1) * size), t.width, h, THREE.RGBAFormat)
  tex.colorSpace = THREE.SRGBColorSpace
  tex.wrapS = tex.wrapT = THREE.RepeatWrapping
  tex.magFilter = THREE.LinearFilter
  tex.minFilter = THREE.LinearMipmapLinearFilter
  tex.generateMipmaps = true
  tex.anisotropy = 4
  tex.needsUpdate = true
  return tex
}

/** MuJoCo quaternions are w-first; three.js is x, y, z, w. */
export function mjQuat(q: ArrayLike<number>, offset = 0, out = new THREE.Quaternion()): THREE.Quaternion {
  return out.set(q[offset + 1] ?? 0, q[offset + 2] ?? 0, q[offset + 3] ?? 0, q[offset] ?? 1)
}

function checkerTexture(): THREE.CanvasTexture | null {
  if (typeof document === 'undefined') return null
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 128
  const ctx = canvas.getContext('2d')
  if (!ctx) return null
  ctx.fillStyle = '#3b4a5c'
  ctx.fillRect(0, 0, 128, 128)
  ctx.fillStyle = '#53657a'
  ctx.fillRect(0, 0, 64, 64)
  ctx.fillRect(64, 64, 64, 64)
  const tex = new THREE.CanvasTexture(canvas)
  tex.wrapS = tex.wrapT = THREE.RepeatWrapping
  tex.colorSpace = THREE.SRGBColorSpace
  tex.anisotropy = 4
  return tex
}

/** Geometry for one geom in its own frame; null for types drawn elsewhere or not at all. */
export function geomGeometry(g: SceneGeom, extent: number): THREE.BufferGeometry | null {
  const s = g.size
  switch (g.type) {
    case 'plane': {
      // size = [half x, half y, grid spacing]; 0 means infinite, drawn as a large finite plane
      const hx = s[0] > 0 ? s[0] : Math.max(10, extent * 6)
      const hy = s[1] > 0 ? s[1] : Math.max(10, extent * 6)
      return new THREE.PlaneGeometry(2 * hx, 2 * hy)
    }
    case 'sphere':
      return new THREE.SphereGeometry(s[0], 24, 16)
    case 'capsule': {
      // size = [radius, half-length of the cylinder part], along local z; three's capsule runs along y
      const geo = new THREE.CapsuleGeometry(s[0], 2 * s[1], 8, 20)
      geo.rotateX(Math.PI / 2)
      return geo
    }
    case 'cylinder': {
      const geo = new THREE.CylinderGeometry(s[0], s[0], 2 * s[1], 24)
      geo.rotateX(Math.PI / 2)
      return geo
    }
    case 'ellipsoid': {
      const geo = new THREE.SphereGeometry(1, 24, 16)
      geo.scale(s[0], s[1], s[2])
      return geo
    }
    case 'box':
      return new THREE.BoxGeometry(2 * s[0], 2 * s[1], 2 * s[2])
    case 'mesh': {
      if (!g.mesh) return null
      const geo = new THREE.BufferGeometry()
      geo.setAttribute('position', new THREE.Float32BufferAttribute(g.mesh.vertices, 3))
      geo.setIndex(g.mesh.faces)
      geo.computeVertexNormals()
      return geo
    }
    case 'hfield':
      return g.hfield ? hfieldGeometry(g.hfield) : null
  }
}

/**
 * A height field as a displaced grid in the geom's frame: elevation data in [0, 1] scaled by ztop, row r at
 * y = -ry + 2 ry r / (nrow - 1), column c at x = -rx + 2 rx c / (ncol - 1) (MuJoCo's layout).
 */
export function hfieldGeometry(h: NonNullable<SceneGeom['hfield']>): THREE.BufferGeometry {
  const [rx, ry, ztop] = h.size
  const geo = new THREE.PlaneGeometry(2 * rx, 2 * ry, Math.max(1, h.ncol - 1), Math.max(1, h.nrow - 1))
  const pos = geo.getAttribute('position')
  for (let i = 0; i < pos.count; i++) {
    // PlaneGeometry lists rows from +y down: row index in MuJoCo's order is flipped
    const c = i % h.ncol
    const r = h.nrow - 1 - Math.floor(i / h.ncol)
    pos.setZ(i, (h.data[r * h.ncol + c] ?? 0) * ztop)
  }
  pos.needsUpdate = true
  geo.computeVertexNormals()
  return geo
}

export interface SceneOptions {
  /** shadow maps' side in texels (the page's 1024; small dataset images need fewer) */
  shadowMapSize?: number
}

export function buildScene(scene: SceneGeometry, options: SceneOptions = {}): SceneModel {
  const root = new THREE.Group()
  root.name = `scene:${scene.taskId}`
  const bodies: THREE.Group[] = []
  for (let b = 0; b < scene.nbody; b++) {
    const body = new THREE.Group()
    body.name = scene.bodyNames[b] ?? `body${b}`
    body.matrixAutoUpdate = true
    bodies.push(body)
    root.add(body)
  }
  const disposables: { dispose(): void }[] = []
  const checker = checkerTexture()
  if (checker) disposables.push(checker)
  let texturedGeoms = 0
  // Each model texture decoded once; geoms share its faces (a plane's repeat needs its own clone).
  const faces = new Map<number, THREE.DataTexture[]>()
  const facesOf = (index: number): THREE.DataTexture[] | null => {
    const t = scene.textures?.[index]
    if (!t) return null
    let list = faces.get(index)
    if (!list) {
      const bytes = textureBytes(t)
      list = Array.from({ length: t.type === '2d' ? 1 : 6 }, (_, f) => faceTexture(t, bytes, f))
      disposables.push(...list)
      faces.set(index, list)
    }
    return list
  }

  for (const g of scene.geoms) {
    const alpha = g.rgba[3] ?? 1
    if (alpha <= 0) continue // invisible helper geoms (sites, collision-only)
    const geometry = geomGeometry(g, scene.extent)
    if (!geometry) continue
    disposables.push(geometry)
    const color = new THREE.Color().setRGB(g.rgba[0] ?? 0.5, g.rgba[1] ?? 0.5, g.rgba[2] ?? 0.5, THREE.SRGBColorSpace)
    let material: THREE.Material | THREE.Material[]
    const textured = g.texture ? facesOf(g.texture.index) : null
    if (textured && g.texture) {
      texturedGeoms++
      const [rx, ry] = [g.texture.repeat[0] ?? 1, g.texture.repeat[1] ?? 1]
      const make = (face: THREE.DataTexture): THREE.MeshStandardMaterial => {
        const map = face.clone()
        // A plane's texrepeat counts per metre (MuJoCo's texuniform, how floors are written); others per face.
        if (g.type === 'plane') {
          const p = (geometry as THREE.PlaneGeometry).parameters
          map.repeat.set(rx * p.width, ry * p.height)
        } else map.repeat.set(rx, ry)
        disposables.push(map)
        return new THREE.MeshStandardMaterial({
          map,
          color,
          roughness: g.type === 'plane' ? 0.9 : 0.6,
          metalness: 0,
          transparent: alpha < 1,
          opacity: alpha,
        })
      }
      // A cube texture on a box: one face each (+x, -x, +y, -y, +z, -z, BoxGeometry's order too).
      material = textured.length === 6 && g.type === 'box' ? textured.map(make) : make(textured[0])
    } else if (g.type === 'plane') {
      const map = checker?.clone() ?? null
      if (map) {
        const w = (geometry as THREE.PlaneGeometry).parameters.width
        const h = (geometry as THREE.PlaneGeometry).parameters.height
        const tile = g.size[2] && g.size[2] > 0 ? g.size[2] * 2 : 1
        map.repeat.set(w / tile, h / tile)
        map.needsUpdate = true
        disposables.push(map)
      }
      material = new THREE.MeshStandardMaterial({ map, color: map ? 0xffffff : color, roughness: 0.9, metalness: 0 })
    } else {
      material = new THREE.MeshStandardMaterial({
        color,
        roughness: 0.55,
        metalness: 0.1,
        transparent: alpha < 1,
        opacity: alpha,
      })
    }
    disposables.push(...(Array.isArray(material) ? material : [material]))
    const mesh = new THREE.Mesh(geometry, material)
    mesh.name = g.name
    mesh.position.set(g.pos[0] ?? 0, g.pos[1] ?? 0, g.pos[2] ?? 0)
    mjQuat(g.quat, 0, mesh.quaternion)
    mesh.castShadow = g.type !== 'plane'
    mesh.receiveShadow = true
    const parent = bodies[g.body] ?? bodies[0] ?? root
    parent.add(mesh)
  }

  const followers: { light: THREE.Light & { target: THREE.Object3D }; offset: THREE.Vector3 }[] = []
  const lights = scene.lights.length
    ? scene.lights
    : [{ pos: [0, 0, 4], dir: [0.3, 0.2, -1], directional: true, diffuse: [0.8, 0.8, 0.8], castShadow: true }]
  for (const l of lights) {
    const light = addLight(root, l, scene.extent, options.shadowMapSize ?? 1024)
    if (l.directional) followers.push({ light, offset: light.position.clone() })
  }
  root.add(new THREE.HemisphereLight(0xdfe8f5, 0x303540, 1.1))

  let background: THREE.CubeTexture | null = null
  const sky = scene.skybox !== undefined ? facesOf(scene.skybox) : null
  if (sky && sky.length === 6) {
    background = new THREE.CubeTexture(sky as unknown as HTMLImageElement[])
    background.format = THREE.RGBAFormat
    background.colorSpace = THREE.SRGBColorSpace
    background.generateMipmaps = false
    background.minFilter = THREE.LinearFilter
    background.needsUpdate = true
    disposables.push(background)
  }

  const q = new THREE.Quaternion()
  return {
    root,
    bodies,
    background,
    textured: texturedGeoms,
    applyFrame(xpos, xquat) {
      const n = Math.min(bodies.length, Math.floor(xpos.length / 3), Math.floor(xquat.length / 4))
      for (let b = 0; b < n; b++) {
        bodies[b].position.set(xpos[3 * b], xpos[3 * b + 1], xpos[3 * b + 2])
        bodies[b].quaternion.copy(mjQuat(xquat, 4 * b, q))
      }
    },
    followLights(center) {
      for (const f of followers) {
        f.light.position.copy(center).add(f.offset)
        f.light.target.position.copy(center)
      }
    },
    dispose() {
      for (const d of disposables) d.dispose()
      root.clear()
    },
  }
}

function addLight(
  root: THREE.Group,
  l: { pos: number[]; dir: number[]; directional: boolean; diffuse: number[]; castShadow: boolean },
  extent: number,
  shadowMapSize: number,
): THREE.DirectionalLight | THREE.SpotLight {
  const color = new THREE.Color(l.diffuse[0] ?? 0.7, l.diffuse[1] ?? 0.7, l.diffuse[2] ?? 0.7)
  const pos = new THREE.Vector3(l.pos[0] ?? 0, l.pos[1] ?? 0, l.pos[2] ?? 3)
  const dir = new THREE.Vector3(l.dir[0] ?? 0, l.dir[1] ?? 0, l.dir[2] ?? -1).normalize()
  let light: THREE.DirectionalLight | THREE.SpotLight
  if (l.directional) {
    light = new THREE.DirectionalLight(color, 2.2)
    // a directional light shines from far along -dir; place it so its shadow camera covers the model
    light.position.copy(dir.clone().multiplyScalar(-Math.max(4, extent * 3)))
    const cam = light.shadow.camera
    const half = Math.max(3, extent * 2)
    cam.left = -half
    cam.right = half
    cam.top = half
    cam.bottom = -half
    cam.near = 0.1
    cam.far = Math.max(20, extent * 10)
  } else {
    light = new THREE.SpotLight(color, 30, 0, Math.PI / 4, 0.4, 1.5)
    light.position.copy(pos)
  }
  light.target.position.copy(l.directional ? new THREE.Vector3(0, 0, 0) : pos.clone().add(dir))
  light.castShadow = l.castShadow
  light.shadow.mapSize.set(shadowMapSize, shadowMapSize)
  light.shadow.bias = -0.0005
  root.add(light)
  root.add(light.target)
  return light
}
