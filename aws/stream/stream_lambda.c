/* stream_lambda.c - one Lambda invocation of the stream processor. */
#include <stdlib.h>

#include <jansson.h>

#include "app/core/log.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_lambda.h"
#include "aws/stream/stream_trace.h"

cr_code
stream_lambda_handle(void *arg, const char *event, size_t len, char **response,
                     const char **error_type)
{
    struct stream_handler *h = arg;
    struct stream_report rep = { 0 };
    json_t *batch, *resp = NULL;
    cr_code rc = CR_INVALID;

    *response = NULL;
    stream_trace_lambda_begin(h->trace, h->table);
    /* A row's text may hold U+0000 (another client wrote it). */
    batch = json_loadb(event, len, JSON_ALLOW_NUL, NULL);
    if (batch == NULL ||
        (rc = stream_handle_batch(h, batch, &rep)) == CR_INVALID) {
        log_line("lambda: the event is not a stream batch");
        *error_type = "InvalidEvent";
        goto out;
    }
    if (rc)
        goto out;
    log_line("lambda: %zu records, %zu failed", rep.nrecords, rep.nfailed);
    /* The failures' ids point into batch: answer before letting it go. */
    if ((rc = stream_report_response(&rep, &resp)))
        goto out;
    *response = json_dumps(resp, JSON_COMPACT);
    rc = *response ? CR_OK : CR_NOMEM;
out:
    /* The process is frozen once the invocation is answered: its spans
     * must be out before. */
    stream_trace_batch_end(h->trace, rep.nrecords, rep.nfailed,
                           rc ? *error_type : NULL);
    stream_trace_flush(h->trace);
    stream_report_free(&rep);
    json_decref(resp);
    json_decref(batch);
    return rc;
}
