/* Writes one flow as a compact JSON array line (see docs in main.c). Caller holds out_begin(). */
#ifndef IFLOW_FLOWOUT_H
#define IFLOW_FLOWOUT_H
#include "flows.h"
void flow_print(const struct iflow_key *k, const struct iflow_stats *v, int from_ringbuf);
#endif
