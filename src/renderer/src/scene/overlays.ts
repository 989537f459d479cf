// What the viewer draws on toggles, over the model: world axes, the model's sites, a frame per body, and the
// contacts (points and force arrows) of the latest frame. Sizes follow the model's extent.
import * as THREE from 'three'
import type { SceneGeometry } from '../../../shared/contract'
import { mjQuat } from './build-scene'

export interface SceneOverlays {
  axes: THREE.Object3D
  /** added to the scene root; sites and frames ride on the body groups */
  contacts: THREE.Group
  sites: THREE.Object3D[]
  frames: THREE.Object3D[]
  setVisible(which: { axes: boolean; contacts: boolean; sites: boolean; frames: boolean }): void
  /** contacts: per contact position then force (6 numbers), from Frame.contacts */
  updateContacts(contacts: readonly number[] | undefined): void
  dispose(): void
}

/** newtons per metre of arrow, from the model's weight scale: a 1 kg body's weight draws about extent/10 long */
function forceScale(extent: number): number {
  return Math.max(0.02, extent * 0.1) / 9.81
}

export function buildOverlays(scene: SceneGeometry, bodies: THREE.Group[], root: THREE.Group): SceneOverlays {
  const e = Math.min(3, Math.max(0.2, scene.extent))
  const disposables: { dispose(): void }[] = []
  const axes = new THREE.AxesHelper(e * 0.35)
  axes.name = 'world-axes'
  root.add(axes)
  disposables.push(axes)

  const siteGeometry = new THREE.SphereGeometry(1, 12, 8)
  disposables.push(siteGeometry)
  const sites: THREE.Object3D[] = []
  for (const s of scene.sites ?? []) {
    const material = new THREE.MeshBasicMaterial({
      color: new THREE.Color(s.rgba[0] ?? 1, s.rgba[1] ?? 0, s.rgba[2] ?? 0),
      transparent: true,
      opacity: Math.max(0.35, s.rgba[3] ?? 1),
      depthTest: false, // a site inside a geom is still seen
    })
    disposables.push(material)
    const m = new THREE.Mesh(siteGeometry, material)
    m.name = `site:${s.name}`
    m.renderOrder = 10
    m.scale.setScalar(Math.max(0.005, s.size))
    m.position.set(s.pos[0] ?? 0, s.pos[1] ?? 0, s.pos[2] ?? 0)
    mjQuat(s.quat, 0, m.quaternion)
    ;(bodies[s.body] ?? root).add(m)
    sites.push(m)
  }

  const frames: THREE.Object3D[] = []
  for (let b = 1; b < bodies.length; b++) {
    const f = new THREE.AxesHelper(e * 0.08)
    f.name = `frame:${bodies[b].name}`
    bodies[b].add(f)
    disposables.push(f)
    frames.push(f)
  }

  const contacts = new THREE.Group()
  contacts.name = 'contacts'
  root.add(contacts)
  const dotGeometry = new THREE.SphereGeometry(e * 0.012, 8, 6)
  const dotMaterial = new THREE.MeshBasicMaterial({ color: 0xff3b30, depthTest: false })
  const lineMaterial = new THREE.LineBasicMaterial({ color: 0xffd60a, depthTest: false })
  disposables.push(dotGeometry, dotMaterial, lineMaterial)
  let lines: THREE.LineSegments | null = null
  const scale = forceScale(e)

  return {
    axes,
    contacts,
    sites,
    frames,
    setVisible(which) {
      axes.visible = which.axes
      contacts.visible = which.contacts
      // the task's success sites are always drawn: where the goal is matters more than the toggle
      sites.forEach((s, i) => (s.visible = which.sites || !!scene.sites?.[i]?.success))
      for (const f of frames) f.visible = which.frames
    },
    updateContacts(list) {
      const n = Math.floor((list?.length ?? 0) / 6)
      // dots are reused; the arrows are one line-segments buffer rebuilt per frame
      while (contacts.children.filter((c) => c instanceof THREE.Mesh).length < n) {
        const dot = new THREE.Mesh(dotGeometry, dotMaterial)
        dot.renderOrder = 11
        contacts.add(dot)
      }
      const dots = contacts.children.filter((c): c is THREE.Mesh => c instanceof THREE.Mesh)
      dots.forEach((d, i) => {
        d.visible = i < n
        if (i < n) d.position.set(list![6 * i], list![6 * i + 1], list![6 * i + 2])
      })
      if (lines) {
        contacts.remove(lines)
        lines.geometry.dispose()
        lines = null
      }
      if (n === 0) return
      const pts = new Float32Array(6 * n)
      const maxLen = e * 0.5 // a stiff contact's force can be huge: clamp the arrow, keep its direction
      for (let i = 0; i < n; i++) {
        const f = new THREE.Vector3(list![6 * i + 3], list![6 * i + 4], list![6 * i + 5]).multiplyScalar(scale)
        if (f.length() > maxLen) f.setLength(maxLen)
        pts.set([list![6 * i], list![6 * i + 1], list![6 * i + 2]], 6 * i)
        pts.set([list![6 * i] + f.x, list![6 * i + 1] + f.y, list![6 * i + 2] + f.z], 6 * i + 3)
      }
      const geo = new THREE.BufferGeometry()
      geo.setAttribute('position', new THREE.BufferAttribute(pts, 3))
      lines = new THREE.LineSegments(geo, lineMaterial)
      lines.renderOrder = 11
      contacts.add(lines)
    },
    dispose() {
      lines?.geometry.dispose()
      for (const d of disposables) d.dispose()
    },
  }
}
