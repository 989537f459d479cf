// SVG to PNG with resvg (a Rust SVG renderer, prebuilt for each platform): no browser needed. Text is set in the
// system's fonts; DejaVu Sans (Debian's fonts-dejavu-core) is the fallback for families it cannot find.
import { Resvg } from '@resvg/resvg-js'

export const PNG_FONT = 'DejaVu Sans'

/** The SVG rendered to PNG at `scale` times its own size, on white. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: PNG_FONT, sansSerifFamily: PNG_FONT },
  })
  return resvg.render().asPng()
}
