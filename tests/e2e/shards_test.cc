#include <gtest/gtest.h>
// Placeholder: being written.
