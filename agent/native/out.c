#include "out.h"
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static char out_buf[1 << 20];

void out_init(void) { setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf)); }

void out_begin(void) { pthread_mutex_lock(&out_lock); }

void out_end(void)
{
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

void out_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

void out_line(const char *fmt, ...)
{
	va_list ap;
	out_begin();
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	out_end();
}

void out_error(int id, const char *op, int ifindex, int err, const char *what)
{
	out_begin();
	printf("{\"ev\":\"error\",\"id\":%d,\"op\":\"%s\",\"ifindex\":%d,\"errno\":%d,\"msg\":", id, op, ifindex, err);
	char msg[512];
	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(err));
	out_str(msg);
	printf("}\n");
	out_end();
}
