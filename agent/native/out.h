/* Serialized output to the agent: one JSON value per line on stdout, from any thread. */
#ifndef IFLOW_OUT_H
#define IFLOW_OUT_H
#include <stdio.h>

void out_init(void);
/* Locks stdout for one or more lines; out_end() flushes and unlocks. */
void out_begin(void);
void out_end(void);
/* Appends a JSON string literal (quoted, escaped) to stdout; call between begin/end. */
void out_str(const char *s);
/* One complete line: printf-style JSON body, newline and flush included. */
void out_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_error(int id, const char *op, int ifindex, int err, const char *what);
#endif
