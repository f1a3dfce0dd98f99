/**
 * The picture behind the plot*Gallery functions, where Keras uses a matplotlib figure: a grid of
 * `rows` × `cols` square cells of `cellSize` pixels (Keras's figure is `scale` inches a cell at
 * `dpi`), each image scaled to fit its cell keeping its aspect ratio (nearest neighbour, centred),
 * an optional title band above each row of images (matplotlib's 8-point titles at `dpi`), an
 * optional legend band below the grid (10-point labels beside colour swatches), on a transparent
 * or white background. Text is drawn by resvg in the plot font; the PNG is encoded by sharp.
 */
import { StrataError } from "../../errors.js";
import { escapeXml, renderSvgPixels } from "./label-text.js";

/** One image: uint8 RGBA pixels, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A legend entry: its text and its colour (r, g, b in 0–255). */
export interface LegendHandle {
  label: string;
  color: readonly number[];
}

export interface GalleryLayout {
  rows: number;
  cols: number;
  /** cell side in pixels */
  cellSize: number;
  /** pixels per inch, for the text sizes in points */
  dpi: number;
  transparent: boolean;
  /** a title per cell (row-major); empty strings for none */
  titles: readonly string[];
  legend: readonly LegendHandle[];
}

/** Where each part of the gallery lies, in pixels. */
export interface GalleryGeometry {
  width: number;
  height: number;
  /** height of the title band above each row of cells (0 without titles) */
  titleBand: number;
  /** height of the legend band at the bottom (0 without a legend) */
  legendBand: number;
  /** the top-left corner of cell `index`'s image area */
  cellOrigin(index: number): [number, number];
  /** the rectangle the image of that size occupies in its cell: [left, top, width, height] */
  imageRect(index: number, width: number, height: number): [number, number, number, number];
}

const points = (pt: number, dpi: number): number => (pt * dpi) / 72;

/** The geometry of a gallery (shared with tests, which check pixels cell by cell). */
export function galleryGeometry(layout: GalleryLayout): GalleryGeometry {
  const { rows, cols, cellSize } = layout;
  const titleBand = layout.titles.some((t) => t !== "")
    ? Math.ceil(points(8, layout.dpi) * 1.8)
    : 0;
  const legendBand = layout.legend.length > 0 ? Math.ceil(points(10, layout.dpi) * 2.4) : 0;
  const rowHeight = titleBand + cellSize;
  const cellOrigin = (index: number): [number, number] => [
    (index % cols) * cellSize,
    Math.floor(index / cols) * rowHeight + titleBand,
  ];
  return {
    width: cols * cellSize,
    height: rows * rowHeight + legendBand,
    titleBand,
    legendBand,
    cellOrigin,
    imageRect(index, width, height) {
      const [x0, y0] = cellOrigin(index);
      const f = cellSize / Math.max(width, height);
      const w = Math.max(1, Math.round(width * f));
      const h = Math.max(1, Math.round(height * f));
      return [x0 + Math.floor((cellSize - w) / 2), y0 + Math.floor((cellSize - h) / 2), w, h];
    },
  };
}

/** The gallery's PNG bytes: `cells[i]` (null: an empty cell) in row-major order. */
export async function galleryPng(
  cells: readonly (RgbaImage | null)[],
  layout: GalleryLayout,
): Promise<Buffer> {
  const g = galleryGeometry(layout);
  if (g.width * g.height > 2 ** 28) {
    throw new StrataError(`gallery: ${g.width} × ${g.height} pixels is too large to draw`);
  }
  const canvas = new Uint8Array(g.width * g.height * 4);
  if (!layout.transparent) canvas.fill(255);
  cells.forEach((cell, index) => {
    if (cell && index < layout.rows * layout.cols) paste(canvas, g, index, cell);
  });
  const svg: string[] = [];
  const titleSize = points(8, layout.dpi);
  layout.titles.forEach((title, index) => {
    if (title === "" || index >= layout.rows * layout.cols) return;
    const [x0, y0] = g.cellOrigin(index);
    svg.push(
      `<text x="${x0 + layout.cellSize / 2}" y="${y0 - g.titleBand * 0.3}" ` +
        `font-size="${titleSize}" text-anchor="middle">${escapeXml(title)}</text>`,
    );
  });
  if (layout.legend.length > 0) {
    const size = points(10, layout.dpi);
    const slot = g.width / layout.legend.length;
    const top = g.height - g.legendBand;
    layout.legend.forEach((handle, i) => {
      const x = Math.round(i * slot + size * 0.5);
      const y = Math.round(top + (g.legendBand - size) / 2);
      fillRect(canvas, g.width, g.height, x, y, Math.round(size), Math.round(size), handle.color);
      svg.push(
        `<text x="${x + size * 1.5}" y="${y + size * 0.85}" font-size="${size}">` +
          `${escapeXml(handle.label)}</text>`,
      );
    });
  }
  if (svg.length > 0) overlayBlackText(canvas, renderSvgPixels(svg.join(""), g.height, g.width));
  const { default: sharp } = await import("sharp");
  return sharp(canvas, { raw: { width: g.width, height: g.height, channels: 4 } })
    .png()
    .toBuffer();
}

/** Nearest-neighbour copy of `cell` into its fitted rectangle. */
function paste(canvas: Uint8Array, g: GalleryGeometry, index: number, cell: RgbaImage): void {
  const [left, top, w, h] = g.imageRect(index, cell.width, cell.height);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(cell.height - 1, Math.floor(((y + 0.5) * cell.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(cell.width - 1, Math.floor(((x + 0.5) * cell.width) / w));
      const src = (sy * cell.width + sx) * 4;
      const dst = ((top + y) * g.width + left + x) * 4;
      canvas.set(cell.rgba.subarray(src, src + 4), dst);
    }
  }
}

function fillRect(
  canvas: Uint8Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  color: readonly number[],
): void {
  const px = [0, 1, 2].map((k) => Math.min(255, Math.max(0, Math.round(color[k] ?? 0))));
  for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) {
      canvas.set([px[0]!, px[1]!, px[2]!, 255], (y * width + x) * 4);
    }
  }
}

/** Composites black text of coverage `a` over the canvas ("over", straight alpha). */
function overlayBlackText(canvas: Uint8Array, text: Uint8Array): void {
  for (let i = 0; i < canvas.length; i += 4) {
    const a = text[i + 3]! / 255;
    if (a === 0) continue;
    const below = canvas[i + 3]! / 255;
    const out = a + below * (1 - a);
    const keep = (below * (1 - a)) / out;
    for (let k = 0; k < 3; k++) canvas[i + k] = Math.round(canvas[i + k]! * keep);
    canvas[i + 3] = Math.round(out * 255);
  }
}
