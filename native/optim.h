/* Fused optimizer steps (optim.c): Node-API entry points. */
#ifndef TORCHLET_OPTIM_H
#define TORCHLET_OPTIM_H

#include <node_api.h>

napi_value js_sgd_step(napi_env env, napi_callback_info info);
napi_value js_adam_step(napi_env env, napi_callback_info info);

#endif
