/*
 * threads.c: 8 threads share one engine, each quoting the same cart many
 * times through a `const cr_engine *`; every answer must be byte-identical to
 * the one quoted first on the main thread.
 *
 *   threads RULES.json REQUEST.json
 *
 * Exit status: 0 when all answers are identical, 1 otherwise.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commerce_rules.h"

#define THREADS 8
#define ROUNDS 50

struct job {
    const cr_engine *engine; /* shared, read-only */
    const char *request;
    size_t request_len;
    const char *expected;
    size_t expected_len;
    int mismatches;
};

static char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    long size;
    char *buf;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        if (f != NULL) {
            fclose(f);
        }
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len_out = (size_t)size;
    return buf;
}

static void *quote_many(void *arg) {
    struct job *job = arg;
    int i;
    for (i = 0; i < ROUNDS; i++) {
        char *answer = NULL;
        size_t len = 0;
        cr_error *error = NULL;
        cr_status status = cr_engine_quote(job->engine, job->request, job->request_len, &answer, &len, &error);
        if (status != CR_OK) {
            fprintf(stderr, "quote failed: %s: %s\n", cr_status_name(status), cr_error_message(error));
            cr_error_free(error);
            job->mismatches++;
            continue;
        }
        if (len != job->expected_len || memcmp(answer, job->expected, len) != 0) {
            job->mismatches++;
        }
        cr_string_free(answer);
        /* An error on the shared engine must not disturb the other threads. */
        status = cr_engine_quote(job->engine, "{", 1, &answer, &len, &error);
        if (status != CR_INVALID_JSON) {
            job->mismatches++;
        }
        cr_error_free(error);
    }
    return NULL;
}

int main(int argc, char **argv) {
    size_t rules_len = 0, request_len = 0, expected_len = 0;
    char *rules, *request, *expected = NULL;
    cr_engine *engine = NULL;
    cr_error *error = NULL;
    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    int i, started = 0, mismatches = 0, rc = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: %s RULES.json REQUEST.json\n", argv[0]);
        return 1;
    }
    rules = read_file(argv[1], &rules_len);
    request = read_file(argv[2], &request_len);
    if (rules == NULL || request == NULL) {
        goto done;
    }
    if (cr_engine_new(rules, rules_len, &engine, &error) != CR_OK) {
        fprintf(stderr, "cr_engine_new: %s\n", cr_error_message(error));
        cr_error_free(error);
        goto done;
    }
    if (cr_engine_quote(engine, request, request_len, &expected, &expected_len, &error) != CR_OK) {
        fprintf(stderr, "cr_engine_quote: %s\n", cr_error_message(error));
        cr_error_free(error);
        goto done;
    }
    for (i = 0; i < THREADS; i++) {
        jobs[i].engine = engine;
        jobs[i].request = request;
        jobs[i].request_len = request_len;
        jobs[i].expected = expected;
        jobs[i].expected_len = expected_len;
        jobs[i].mismatches = 0;
        if (pthread_create(&threads[i], NULL, quote_many, &jobs[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            break;
        }
        started++;
    }
    for (i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        mismatches += jobs[i].mismatches;
    }
    if (started == THREADS && mismatches == 0) {
        printf("%d threads x %d quotes on one engine: all answers identical\n", THREADS, ROUNDS);
        rc = 0;
    } else {
        fprintf(stderr, "%d threads started, %d answers differed or failed\n", started, mismatches);
    }

done:
    cr_string_free(expected);
    cr_engine_free(engine);
    free(request);
    free(rules);
    return rc;
}
