/*
 * boundary.c: careless and hostile calls from C (NULL pointers, invalid
 * UTF-8, truncated JSON, lengths far past the buffer, unknown questions,
 * use after an error) give a status and leave out-parameters untouched.
 * Built with -Werror, AddressSanitizer and UBSan, and run under valgrind.
 *
 *   boundary RULES.json REQUEST.json
 *
 * Exit status: 0 when every check passes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commerce_rules.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

static char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    long size;
    char *buf;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        if (f != NULL) {
            fclose(f);
        }
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len_out = (size_t)size;
    return buf;
}

/* Checks a failed quote: expected status, out-parameters untouched, an error written. */
static void expect_quote_failure(const cr_engine *engine, const char *request, size_t len,
                                 cr_status expected, const char *code) {
    char sentinel_answer = 0;
    char *answer = &sentinel_answer;
    size_t answer_len = 12345;
    cr_error *error = NULL;
    cr_status status = cr_engine_quote(engine, request, len, &answer, &answer_len, &error);
    CHECK(status == expected);
    CHECK(answer == &sentinel_answer);
    CHECK(answer_len == 12345);
    CHECK(error != NULL);
    CHECK(cr_error_status(error) == expected);
    CHECK(strcmp(cr_error_code(error), code) == 0);
    CHECK(cr_error_json(error)[0] == '{');
    if (status != expected) {
        fprintf(stderr, "  got %s: %s\n", cr_status_name(status), cr_error_message(error));
    }
    cr_error_free(error);
}

int main(int argc, char **argv) {
    size_t rules_len = 0, request_len = 0, first_len = 0, len = 0, cut, i;
    char *rules, *request, *first = NULL, *answer = NULL, *bad;
    cr_engine *engine = NULL;
    cr_engine *untouched = (cr_engine *)&checks;
    cr_error *error = NULL;
    cr_status status;

    if (argc != 3) {
        fprintf(stderr, "usage: %s RULES.json REQUEST.json\n", argv[0]);
        return 1;
    }
    rules = read_file(argv[1], &rules_len);
    request = read_file(argv[2], &request_len);
    if (rules == NULL || request == NULL) {
        fprintf(stderr, "cannot read the inputs\n");
        return 1;
    }
    CHECK(strcmp(cr_version(), CR_VERSION_STRING) == 0);

    /* NULL pointers. */
    CHECK(cr_engine_new(NULL, 10, &engine, &error) == CR_NULL_POINTER);
    CHECK(strcmp(cr_error_code(error), "invalid_argument") == 0);
    cr_error_free(error);
    error = NULL;
    CHECK(cr_engine_new(rules, rules_len, NULL, NULL) == CR_NULL_POINTER);
    CHECK(cr_engine_new(NULL, 0, &untouched, NULL) == CR_NULL_POINTER);
    CHECK(untouched == (cr_engine *)&checks);
    CHECK(cr_engine_quote(NULL, request, request_len, &answer, &len, NULL) == CR_NULL_POINTER);
    CHECK(answer == NULL);

    /* A bad rule set, then a good one. */
    CHECK(cr_engine_new("{\"schema_version\":1", 18, &untouched, &error) == CR_INVALID_RULES);
    CHECK(untouched == (cr_engine *)&checks);
    CHECK(strstr(cr_error_json(error), "\"invalid_json\"") != NULL);
    cr_error_free(error);
    error = NULL;
    CHECK(cr_engine_new(rules, SIZE_MAX, &untouched, NULL) == CR_INVALID_RULES); /* refused unread */
    status = cr_engine_new(rules, rules_len, &engine, &error);
    CHECK(status == CR_OK);
    if (status != CR_OK) {
        fprintf(stderr, "cr_engine_new: %s\n", cr_error_message(error));
        return 1;
    }
    CHECK(cr_engine_quote(engine, request, request_len, &first, &first_len, NULL) == CR_OK);
    CHECK(first != NULL && strlen(first) == first_len);

    CHECK(cr_engine_quote(engine, NULL, 5, &answer, &len, NULL) == CR_NULL_POINTER);
    CHECK(cr_engine_quote(engine, request, request_len, NULL, &len, NULL) == CR_NULL_POINTER);
    CHECK(cr_engine_answer(engine, NULL, request, request_len, &answer, &len, NULL) == CR_NULL_POINTER);
    CHECK(answer == NULL);

    /* Invalid UTF-8, truncated JSON, lengths past the limits, too deep. */
    bad = malloc(request_len);
    if (bad == NULL) {
        return 1;
    }
    memcpy(bad, request, request_len);
    bad[request_len / 2] = (char)0xFF;
    expect_quote_failure(engine, bad, request_len, CR_INVALID_UTF8, "invalid_argument");
    free(bad);
    for (cut = 0; cut + 1 < request_len; cut += 13) {
        expect_quote_failure(engine, request, cut, CR_INVALID_JSON, "invalid_json");
    }
    expect_quote_failure(engine, "{", SIZE_MAX, CR_JSON_TOO_LARGE, "json_too_large");
    expect_quote_failure(engine, "{", (size_t)1 << 40, CR_JSON_TOO_LARGE, "json_too_large");
    expect_quote_failure(engine, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 80,
                         CR_JSON_TOO_DEEP, "json_too_deep");
    expect_quote_failure(engine, "{\"now\":\"2026-11-11T20:15:00+08:00\",\"lines\":[],\"colour\":1}", 56,
                         CR_UNKNOWN_FIELD, "unknown_field");

    /* Unknown question; a known one by name gives the same bytes as cr_engine_quote. */
    CHECK(cr_engine_answer(engine, "coupons", request, request_len, &answer, &len, &error) == CR_UNKNOWN_QUESTION);
    CHECK(answer == NULL);
    cr_error_free(error);
    error = NULL;
    CHECK(cr_question_count() >= 1);
    for (i = 0; i < cr_question_count(); i++) {
        CHECK(cr_question_name(i) != NULL);
    }
    CHECK(cr_question_name(cr_question_count()) == NULL);
    CHECK(cr_engine_answer(engine, "quote", request, request_len, &answer, &len, &error) == CR_OK);
    CHECK(answer != NULL && len == first_len && memcmp(answer, first, len) == 0);
    cr_string_free(answer);
    answer = NULL;

    /* Every question has its own function, with the same checks and the same bytes as by name. */
    CHECK(cr_engine_best_coupons(NULL, request, request_len, &answer, &len, NULL) == CR_NULL_POINTER);
    CHECK(cr_engine_best_coupons(engine, request, SIZE_MAX, &answer, &len, NULL) == CR_JSON_TOO_LARGE);
    CHECK(answer == NULL);
    CHECK(cr_engine_best_coupons(engine, request, request_len, &answer, &len, &error) == CR_OK);
    if (answer != NULL) {
        char *by_name = NULL;
        size_t by_name_len = 0;
        CHECK(cr_engine_answer(engine, "best_coupons", request, request_len, &by_name, &by_name_len, NULL) == CR_OK);
        CHECK(by_name != NULL && by_name_len == len && memcmp(by_name, answer, len) == 0);
        cr_string_free(by_name);
    }
    cr_string_free(answer);
    answer = NULL;

    /* After all those errors the engine answers as before. */
    CHECK(cr_engine_quote(engine, request, request_len, &answer, &len, &error) == CR_OK);
    CHECK(answer != NULL && len == first_len && memcmp(answer, first, len) == 0);
    cr_string_free(answer);

    /* Status names; NULL-safe frees and accessors. */
    CHECK(strcmp(cr_status_name(CR_OK), "ok") == 0);
    CHECK(strcmp(cr_status_name(CR_NULL_POINTER), "null_pointer") == 0);
    CHECK(strcmp(cr_status_name(9999), "unknown_status") == 0);
    CHECK(cr_error_status(NULL) == CR_NULL_POINTER);
    CHECK(strcmp(cr_error_message(NULL), "") == 0);
    cr_error_free(NULL);
    cr_string_free(NULL);
    cr_engine_free(NULL);

    cr_string_free(first);
    cr_engine_free(engine);
    free(request);
    free(rules);
    if (failures != 0) {
        fprintf(stderr, "boundary: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("boundary: %d checks passed\n", checks);
    return 0;
}
