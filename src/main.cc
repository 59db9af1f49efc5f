#include "cli/app.h"

int main(int argc, char** argv) { return velo::cli::run(argc, argv); }
