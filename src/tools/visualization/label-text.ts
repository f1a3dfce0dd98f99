/**
 * Label text for drawBoundingBoxes, as a mask of pixels to colour. Keras draws labels with
 * OpenCV's Hershey font; Strata draws them in the plot font (DejaVu Sans, render/fonts.ts) sized
 * to the same cap height (21 px at fontScale 1, as Hershey Simplex), at the same baseline origin,
 * and, like OpenCV's default 8-connected drawing, without anti-aliasing: a pixel is text where
 * resvg's coverage is at least one half. resvg is loaded synchronously on first use, so the
 * drawing functions stay synchronous as Keras's are.
 */
import { createRequire } from "node:module";
import { plotFont } from "../render/fonts.js";

/** A label: its text and the left end of its baseline, in pixels. */
export interface LabelPlacement {
  text: string;
  x: number;
  y: number;
}

/** Hershey Simplex's capital height at fontScale 1, in pixels, and DejaVu Sans's, in ems. */
const HERSHEY_CAP_PX = 21;
const DEJAVU_CAP_EM = 0.729;

type ResvgModule = typeof import("@resvg/resvg-js");
let resvg: ResvgModule | null = null;

function loadResvg(): ResvgModule {
  resvg ??= createRequire(import.meta.url)("@resvg/resvg-js") as ResvgModule;
  return resvg;
}

/** Escapes text for an SVG text node. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * A height × width mask (1: text) of `labels` drawn at `fontScale`, strokes thickened by
 * `thickness` − 1 pixels (OpenCV's thickness 1 is its thinnest line).
 */
export function labelMask(
  labels: readonly LabelPlacement[],
  height: number,
  width: number,
  fontScale: number,
  thickness: number,
): Uint8Array {
  const mask = new Uint8Array(height * width);
  if (labels.length === 0 || height === 0 || width === 0) return mask;
  const size = (HERSHEY_CAP_PX * fontScale) / DEJAVU_CAP_EM;
  const stroke = Math.max(0, thickness - 1);
  const texts = labels
    .map(
      (l) =>
        `<text x="${l.x}" y="${l.y}" font-size="${size}" fill="#000" stroke="#000" ` +
        `stroke-width="${stroke}" stroke-linejoin="round" xml:space="preserve">` +
        `${escapeXml(l.text)}</text>`,
    )
    .join("");
  const pixels = renderSvgPixels(texts, height, width);
  for (let i = 0; i < height * width; i++) if (pixels[i * 4 + 3]! >= 128) mask[i] = 1;
  return mask;
}

/**
 * The RGBA pixels (transparent background) of SVG `content` drawn on a width × height canvas,
 * one pixel per unit, text in the plot font.
 */
export function renderSvgPixels(content: string, height: number, width: number): Uint8Array {
  const font = plotFont();
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${font.family}">${content}</svg>`;
  const { Resvg } = loadResvg();
  const image = new Resvg(svg, {
    fitTo: { mode: "original" },
    font: {
      loadSystemFonts: font.files.length === 0,
      fontFiles: font.files,
      defaultFontFamily: font.family,
      sansSerifFamily: font.family,
    },
  }).render();
  return image.pixels;
}
