/*
 * quote.c: quote a cart through the commerce-rules C API and print its totals,
 * every term of the grand total, so that the lines printed add up.
 *
 *   quote [RULES.json REQUEST.json]
 *
 * Without arguments it quotes the bundled sample store
 * (examples/data/cn-store.rules.json and examples/data/cn-store.quote.json,
 * relative to the current directory). It then shows how a failed call
 * reports its status, code, JSON path and message.
 *
 * Build (from the repository root, after `cargo build --release -p commerce-rules-c`):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -Ibindings-c/include examples/c/quote.c \
 *      -Ltarget/release -lcommerce_rules_c -o quote
 *   LD_LIBRARY_PATH=target/release ./quote
 * or, against an installed library: cc quote.c $(pkg-config --cflags --libs commerce-rules)
 *
 * Exit status: 0 on success, 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commerce_rules.h"

/* Reads a whole file; the caller frees the buffer. NULL on failure. */
static char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0;
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    for (;;) {
        size_t n;
        if (cap - len < 4096) {
            char *bigger = realloc(buf, cap + 65536);
            if (bigger == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = bigger;
            cap += 65536;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "cannot read %s\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len_out = len;
    return buf;
}

/*
 * Copies the string value of `"key":"..."` found in text[0..len) into out.
 * The answer is compact JSON written by the library, and money amounts are
 * plain decimal strings, so a search is enough for this example; a real
 * host would hand the answer to its JSON library. Returns 0 if found.
 */
static int string_field(const char *text, size_t len, const char *key, char *out, size_t out_size) {
    char pattern[64];
    size_t plen, i;
    int n = snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    if (n < 0 || (size_t)n >= sizeof pattern) {
        return -1;
    }
    plen = (size_t)n;
    for (i = 0; i + plen <= len; i++) {
        if (memcmp(text + i, pattern, plen) == 0) {
            const char *start = text + i + plen;
            const char *end = memchr(start, '"', len - (i + plen));
            size_t vlen;
            if (end == NULL) {
                return -1;
            }
            vlen = (size_t)(end - start);
            if (vlen + 1 > out_size) {
                return -1;
            }
            memcpy(out, start, vlen);
            out[vlen] = '\0';
            return 0;
        }
    }
    return -1;
}

/*
 * Prints the totals of a quote answer as the sum they are (PRODUCT.md):
 *
 *   grand total = item subtotal - discounts + shipping - shipping discounts
 *                 + tax (when added on top) - points value
 *
 * one term a line, its sign first, so that the lines printed add up to the
 * grand total on screen. Tax included in the prices is shown but is not a
 * term; the list subtotal and the savings follow, for information.
 * Returns 0 on success.
 */
static int print_totals(const char *answer, size_t answer_len) {
    /* sign ('+', '-', '=', or ' ' for a line that is not a term), field, label */
    static const struct {
        char sign;
        const char *field, *label;
    } rows[] = {
        {' ', "item_subtotal", "item subtotal"},
        {'-', "discounts", "discounts"},
        {'+', "shipping", "shipping"},
        {'-', "shipping_discounts", "shipping discounts"},
        {'+', "tax", "tax"},
        {'-', "points_value", "points value"},
        {'=', "grand_total", "grand total"},
        {' ', "list_subtotal", "list subtotal"},
        {' ', "savings", "savings"},
    };
    const char *totals = strstr(answer, "\"totals\":{");
    const char *end;
    char currency[16], value[64];
    size_t i, len;
    int tax_included;
    if (totals == NULL || (end = strchr(totals, '}')) == NULL) {
        fprintf(stderr, "the answer has no totals\n");
        return -1;
    }
    len = (size_t)(end - totals);
    if (string_field(answer, answer_len, "currency", currency, sizeof currency) != 0) {
        fprintf(stderr, "the answer has no currency\n");
        return -1;
    }
    tax_included = strstr(totals, "\"tax_included\":true") != NULL;
    printf("totals in %s (grand total = item subtotal - discounts + shipping - shipping discounts"
           " + tax if added - points value):\n",
           currency);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int is_tax = strcmp(rows[i].field, "tax") == 0;
        if (string_field(totals, len, rows[i].field, value, sizeof value) != 0) {
            fprintf(stderr, "the totals have no %s\n", rows[i].field);
            return -1;
        }
        printf("%c %-20s %12s %s%s\n", is_tax && tax_included ? ' ' : rows[i].sign, rows[i].label, value,
               currency, is_tax && tax_included ? " (included in the prices, not added)" : "");
    }
    return 0;
}

/* Prints what a failed call says, then frees the error. */
static void print_error(const char *what, cr_status status, cr_error *error) {
    fprintf(stderr, "%s failed: status %u (%s)\n", what, (unsigned)status, cr_status_name(status));
    if (error != NULL) {
        fprintf(stderr, "  code:    %s\n  path:    %s\n  message: %s\n", cr_error_code(error),
                cr_error_path(error), cr_error_message(error));
        cr_error_free(error);
    }
}

int main(int argc, char **argv) {
    const char *rules_path = "examples/data/cn-store.rules.json";
    const char *request_path = "examples/data/cn-store.quote.json";
    static const char bad_request[] =
        "{\"now\":\"2026-11-11T20:15:00+08:00\","
        "\"lines\":[{\"id\":\"1\",\"sku\":\"TEA\",\"quantity\":0,\"unit_price\":\"1.00\"}]}";
    char *rules = NULL, *request = NULL, *answer = NULL;
    size_t rules_len = 0, request_len = 0, answer_len = 0;
    cr_engine *engine = NULL;
    cr_error *error = NULL;
    cr_status status;
    int rc = 1;

    if (argc == 3) {
        rules_path = argv[1];
        request_path = argv[2];
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [RULES.json REQUEST.json]\n", argv[0]);
        return 1;
    }
    if (strcmp(cr_version(), CR_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s but library %s\n", CR_VERSION_STRING, cr_version());
        return 1;
    }
    printf("commerce-rules %s\n", cr_version());

    rules = read_file(rules_path, &rules_len);
    request = read_file(request_path, &request_len);
    if (rules == NULL || request == NULL) {
        goto done;
    }

    status = cr_engine_new(rules, rules_len, &engine, &error);
    if (status != CR_OK) {
        print_error("cr_engine_new", status, error);
        goto done;
    }

    status = cr_engine_quote(engine, request, request_len, &answer, &answer_len, &error);
    if (status != CR_OK) {
        print_error("cr_engine_quote", status, error);
        goto done;
    }
    printf("quoted %s (%zu bytes of JSON)\n", request_path, answer_len);
    if (print_totals(answer, answer_len) != 0) {
        goto done;
    }

    /* A request with an error: the status, stable code and JSON path tell what and where. */
    error = NULL;
    status = cr_engine_quote(engine, bad_request, strlen(bad_request), &answer, &answer_len, &error);
    if (status == CR_OK || error == NULL) {
        fprintf(stderr, "a quantity of 0 was accepted\n");
        goto done;
    }
    printf("a bad request: %s (%s) at %s\n", cr_status_name(status), cr_error_code(error),
           cr_error_path(error));
    cr_error_free(error);
    rc = 0;

done:
    cr_string_free(answer);
    cr_engine_free(engine);
    free(request);
    free(rules);
    return rc;
}
