#include "cre2shim.h"

#include <re2/re2.h>

#include <cstring>
#include <string>
#include <vector>

struct cre2shim_regex {
    re2::RE2 *re;
};

extern "C" cre2shim_regex *cre2shim_compile(const char *pattern, size_t length, int64_t max_memory,
                                            char *error, size_t error_capacity) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(max_memory);
    auto *re = new re2::RE2(re2::StringPiece(pattern, length), options);
    if (!re->ok()) {
        if (error != nullptr && error_capacity > 0) {
            const std::string &message = re->error();
            size_t n = message.size() < error_capacity - 1 ? message.size() : error_capacity - 1;
            std::memcpy(error, message.data(), n);
            error[n] = '\0';
        }
        delete re;
        return nullptr;
    }
    return new cre2shim_regex{re};
}

extern "C" void cre2shim_free(cre2shim_regex *regex) {
    if (regex == nullptr) return;
    delete regex->re;
    delete regex;
}

extern "C" int cre2shim_group_count(const cre2shim_regex *regex) {
    return regex->re->NumberOfCapturingGroups();
}

extern "C" int cre2shim_find(const cre2shim_regex *regex, const char *text, size_t length, size_t start,
                             int64_t *offsets, int groups) {
    std::vector<re2::StringPiece> pieces(static_cast<size_t>(groups) + 1);
    re2::StringPiece input(text, length);
    if (!regex->re->Match(input, start, length, re2::RE2::UNANCHORED, pieces.data(), groups + 1)) {
        return 0;
    }
    for (int i = 0; i <= groups; i++) {
        if (pieces[i].data() == nullptr) {
            offsets[2 * i] = -1;
            offsets[2 * i + 1] = -1;
        } else {
            offsets[2 * i] = pieces[i].data() - text;
            offsets[2 * i + 1] = pieces[i].data() - text + static_cast<int64_t>(pieces[i].size());
        }
    }
    return 1;
}
