// regimend: placeholder until the engine lands.
int main() { return 0; }
