/** Training curves: `plotHistory` and the Vega-Lite rendering it stands on. */
export { plotHistory, type PlotHistoryOptions } from "./plot-history.js";
export { historyPanels, type BestEpoch } from "./history-spec.js";
export { vegaLiteToSvg, svgToPng } from "./render.js";
