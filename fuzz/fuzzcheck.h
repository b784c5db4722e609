#pragma once

// A property that must hold for every input: a broken one aborts, which libFuzzer reports as a
// crash with the input that caused it.

#include <cstdio>
#include <cstdlib>

#define CAPS_FUZZ_CHECK(condition)                                                                                     \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #condition);                    \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)
