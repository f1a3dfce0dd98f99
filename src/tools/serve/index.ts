/** `st.serve`: TensorFlow Serving's REST API for Strata models (server.ts). */
export { serve, type ModelServer, type ServeOptions } from "./server.js";
