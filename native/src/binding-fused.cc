// Node-API entry points of the fused kernels: the optimizer update (optimizer.cc) and the
// recurrent sequences (lstm.cc, gru.cc). As in binding.cc, only what a wrong call from JavaScript
// could turn into a crash is checked here; src/backend/native/ validates the rest.

#include <initializer_list>
#include <utility>

#include "binding.h"
#include "kernels.h"

namespace strata {
namespace {

void ApplyUpdate(const Napi::CallbackInfo& info) {
  Buf w, g, out, hyper;
  Buf slots[kMaxSlots];
  if (!get_buf(info, 1, "applyUpdate", &w) || !get_buf(info, 2, "applyUpdate", &g) ||
      !get_buf(info, 4, "applyUpdate", &out) || !get_buf(info, 5, "applyUpdate", &hyper)) {
    return;
  }
  if (!info[3].IsArray()) return (void)fail(info.Env(), "applyUpdate", "slots must be an array");
  Napi::Array list = info[3].As<Napi::Array>();
  if (list.Length() > kMaxSlots) return (void)fail(info.Env(), "applyUpdate", "too many slots");
  const int n_slots = static_cast<int>(list.Length());
  for (int s = 0; s < n_slots; s++) {
    if (!to_buf(info.Env(), list.Get(static_cast<uint32_t>(s)), "applyUpdate", &slots[s])) return;
  }
  if (hyper.dtype != DType::f64 || hyper.length < 6) {
    return (void)fail(info.Env(), "applyUpdate", "hyper must be a Float64Array of 6");
  }
  for (int s = 0; s < n_slots; s++) {
    if (slots[s].length != w.length) {
      return (void)fail(info.Env(), "applyUpdate", "slot length differs from the weight's");
    }
  }
  if (g.length != w.length || out.length != w.length) {
    return (void)fail(info.Env(), "applyUpdate", "lengths differ");
  }
  done(info,
       apply_update(static_cast<UpdateRule>(get_int(info, 0)), w, g, slots, n_slots, out,
                    as<double>(hyper)),
       "applyUpdate");
}

// Arguments: the arrays in the Kernels order (`optional` marks those that may be null), then
// batch, steps, units.
bool get_rnn_args(const Napi::CallbackInfo& info, const char* fn,
                  std::initializer_list<std::pair<Buf*, bool>> bufs, RnnGeometry* g) {
  size_t i = 0;
  for (const auto& [buf, optional] : bufs) {
    if (!(optional ? get_opt_buf(info, i, fn, buf) : get_buf(info, i, fn, buf))) return false;
    i++;
  }
  *g = RnnGeometry{get_int(info, i), get_int(info, i + 1), get_int(info, i + 2)};
  return true;
}

void LstmForward(const Napi::CallbackInfo& info) {
  Buf xp, u, bias, h0, c0, mask, hl, cl, hs, cs, gates;
  RnnGeometry g;
  if (!get_rnn_args(info, "lstmForward",
                    {{&xp, false}, {&u, false}, {&bias, true}, {&h0, false}, {&c0, false},
                     {&mask, true}, {&hl, false}, {&cl, false}, {&hs, true}, {&cs, true},
                     {&gates, true}},
                    &g)) {
    return;
  }
  done(info, lstm_forward(xp, u, bias, h0, c0, mask, hl, cl, hs, cs, gates, g), "lstmForward");
}

void LstmBackward(const Napi::CallbackInfo& info) {
  Buf u, h0, c0, mask, hs, cs, gates, dhs, dhl, dcl, dxp, du, db, dh0, dc0;
  RnnGeometry g;
  if (!get_rnn_args(info, "lstmBackward",
                    {{&u, false}, {&h0, false}, {&c0, false}, {&mask, true}, {&hs, false},
                     {&cs, false}, {&gates, false}, {&dhs, true}, {&dhl, true}, {&dcl, true},
                     {&dxp, false}, {&du, false}, {&db, true}, {&dh0, false}, {&dc0, false}},
                    &g)) {
    return;
  }
  done(info,
       lstm_backward(u, h0, c0, mask, hs, cs, gates, dhs, dhl, dcl, dxp, du, db, dh0, dc0, g),
       "lstmBackward");
}

void GruForward(const Napi::CallbackInfo& info) {
  Buf xp, u, bias, rbias, h0, mask, hl, hs, gates;
  RnnGeometry g;
  if (!get_rnn_args(info, "gruForward",
                    {{&xp, false}, {&u, false}, {&bias, true}, {&rbias, true}, {&h0, false},
                     {&mask, true}, {&hl, false}, {&hs, true}, {&gates, true}},
                    &g)) {
    return;
  }
  done(info, gru_forward(xp, u, bias, rbias, h0, mask, hl, hs, gates, g), "gruForward");
}

void GruBackward(const Napi::CallbackInfo& info) {
  Buf xp, u, bias, h0, mask, hs, gates, dhs, dhl, dxp, du, db, drb, dh0;
  RnnGeometry g;
  if (!get_rnn_args(info, "gruBackward",
                    {{&xp, false}, {&u, false}, {&bias, true}, {&h0, false}, {&mask, true},
                     {&hs, false}, {&gates, false}, {&dhs, true}, {&dhl, true}, {&dxp, false},
                     {&du, false}, {&db, true}, {&drb, true}, {&dh0, false}},
                    &g)) {
    return;
  }
  done(info, gru_backward(xp, u, bias, h0, mask, hs, gates, dhs, dhl, dxp, du, db, drb, dh0, g),
       "gruBackward");
}

}  // namespace

void export_fused(Napi::Env env, Napi::Object exports) {
  const auto fn = [&](const char* name, auto f) {
    exports.Set(name, Napi::Function::New(env, f, name));
  };
  fn("applyUpdate", ApplyUpdate);
  fn("lstmForward", LstmForward);
  fn("lstmBackward", LstmBackward);
  fn("gruForward", GruForward);
  fn("gruBackward", GruBackward);
}

}  // namespace strata
