// regimenctl: placeholder until the verbs land.
int main() { return 0; }
