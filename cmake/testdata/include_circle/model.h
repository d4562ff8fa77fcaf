// A fixture for check_include_circles.cmake: model.cc includes the loader, which includes the model.
#include "fixture/loader.h"
