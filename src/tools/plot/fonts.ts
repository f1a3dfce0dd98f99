/**
 * The font model plots are drawn with. Graphviz (in WebAssembly, with no access to fonts) sizes
 * each box from its own table of character widths for the font the label names, and resvg then
 * draws the text with a real font file: the two must be the same font, or text overflows its box
 * and runs into its neighbours. Graphviz has DejaVu Sans's widths, and DejaVu is on most Linux
 * systems (Debian's fonts-dejavu-core), so it is the first choice; without it the boxes are
 * sized for Helvetica and the system's fonts draw them (Helvetica on macOS, its metric twin
 * Arial on Windows).
 */
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface PlotFont {
  /** the family named in the DOT labels and drawn by resvg */
  family: string;
  /** font files to load (regular and bold); empty: use the system's fonts */
  files: string[];
}

/** Where systems keep their fonts. */
function fontDirectories(): string[] {
  const home = homedir();
  return [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    join(home, ".local/share/fonts"),
    join(home, ".fonts"),
    "/Library/Fonts",
    join(home, "Library/Fonts"),
    "C:\\Windows\\Fonts",
  ];
}

/** The path of `name` under `dir`, searching a few levels of subfolders. */
function findFile(dir: string, name: string, depth = 3): string | null {
  if (!existsSync(dir)) return null;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) if (e.isFile() && e.name === name) return join(dir, e.name);
  if (depth === 0) return null;
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const found = findFile(join(dir, e.name), name, depth - 1);
    if (found) return found;
  }
  return null;
}

let cached: PlotFont | null = null;

/** DejaVu Sans (regular and bold) where installed, else Helvetica from the system; found once. */
export function plotFont(): PlotFont {
  if (cached) return cached;
  const find = (name: string) =>
    fontDirectories().reduce<string | null>((hit, dir) => hit ?? findFile(dir, name), null);
  const regular = find("DejaVuSans.ttf");
  const bold = find("DejaVuSans-Bold.ttf");
  cached =
    regular && bold
      ? { family: "DejaVu Sans", files: [regular, bold] }
      : { family: "Helvetica", files: [] };
  return cached;
}
