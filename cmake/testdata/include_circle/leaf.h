// A fixture for check_include_circles.cmake: includes nothing, so it is not part of the circle.
