// Push-T's coverage: the share of the goal T's area that the block covers at its current pose (the measure of the
// PushT benchmark, Chi et al. 2023). The T is a union of rectangles (PUSHT.boxes); the area of the intersection
// of two such unions is exact by inclusion-exclusion over the rectangles, each term the area of an intersection
// of convex polygons (Sutherland-Hodgman clipping). Exact up to floating-point rounding (about 1e-15).

/** A planar pose: x, y (m), yaw (rad). */
export type Pose2 = readonly [number, number, number]
/** A rectangle in a body's frame: centre x, centre y, half sizes. */
export type Box2 = readonly [number, number, number, number]
type Polygon = [number, number][]

/** The corners of a box placed at a pose, counter-clockwise. */
export function boxPolygon(box: Box2, pose: Pose2): Polygon {
  const [cx, cy, hx, hy] = box
  const c = Math.cos(pose[2])
  const s = Math.sin(pose[2])
  return [
    [-hx, -hy],
    [hx, -hy],
    [hx, hy],
    [-hx, hy],
  ].map(([u, v]) => {
    const x = cx + u
    const y = cy + v
    return [pose[0] + c * x - s * y, pose[1] + s * x + c * y] as [number, number]
  })
}

/** Signed area (shoelace): positive for counter-clockwise polygons. */
export function polygonArea(p: Polygon): number {
  let a = 0
  for (let i = 0; i < p.length; i++) {
    const [x0, y0] = p[i]
    const [x1, y1] = p[(i + 1) % p.length]
    a += x0 * y1 - x1 * y0
  }
  return a / 2
}

/** The part of `subject` inside the convex counter-clockwise polygon `clip` (Sutherland-Hodgman). */
export function clipConvex(subject: Polygon, clip: Polygon): Polygon {
  let out = subject
  for (let i = 0; i < clip.length && out.length > 0; i++) {
    const [ax, ay] = clip[i]
    const [bx, by] = clip[(i + 1) % clip.length]
    // inside: left of the edge a -> b
    const side = (p: [number, number]): number => (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)
    const input = out
    out = []
    for (let j = 0; j < input.length; j++) {
      const p = input[j]
      const q = input[(j + 1) % input.length]
      const sp = side(p)
      const sq = side(q)
      if (sp >= 0) out.push(p)
      if ((sp >= 0 && sq < 0) || (sp < 0 && sq >= 0)) {
        const t = sp / (sp - sq)
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])])
      }
    }
  }
  return out
}

/** Area of the intersection of convex counter-clockwise polygons (0 if empty). */
function intersectionArea(polys: Polygon[]): number {
  let p = polys[0]
  for (let i = 1; i < polys.length && p.length >= 3; i++) p = clipConvex(p, polys[i])
  return p.length >= 3 ? Math.max(0, polygonArea(p)) : 0
}

/**
 * Area of the intersection of two unions of convex polygons, by inclusion-exclusion over the non-empty subsets of
 * each union: sum over S, T of (-1)^(|S|+|T|) area(cap S cap cap T). Right whether or not the parts of a union
 * overlap (the T's bar and stem only touch, so the terms with two parts of one T are 0 here).
 */
export function unionIntersectionArea(a: Polygon[], b: Polygon[]): number {
  let total = 0
  for (let sa = 1; sa < 1 << a.length; sa++) {
    for (let sb = 1; sb < 1 << b.length; sb++) {
      const polys = [...a.filter((_, i) => sa & (1 << i)), ...b.filter((_, i) => sb & (1 << i))]
      const sign = polys.length % 2 === 0 ? 1 : -1
      total += sign * intersectionArea(polys)
    }
  }
  return total
}

/** Area of a union of convex polygons (inclusion-exclusion). */
export function unionArea(a: Polygon[]): number {
  let total = 0
  for (let s = 1; s < 1 << a.length; s++) {
    const polys = a.filter((_, i) => s & (1 << i))
    total += (polys.length % 2 === 1 ? 1 : -1) * intersectionArea(polys)
  }
  return total
}

/**
 * The share of the shape (a union of boxes in its own frame) at `goal` covered by the same shape at `pose`:
 * area(shape at pose cap shape at goal) / area(shape), in [0, 1].
 */
export function shapeCoverage(boxes: readonly Box2[], pose: Pose2, goal: Pose2): number {
  const at = boxes.map((b) => boxPolygon(b, pose))
  const target = boxes.map((b) => boxPolygon(b, goal))
  const area = unionArea(target)
  const c = unionIntersectionArea(at, target) / area
  return c < 0 ? 0 : c > 1 ? 1 : c
}
