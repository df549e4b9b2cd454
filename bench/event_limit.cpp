// The machine's limit for synaptic events: the inner loop of spike propagation, alone.
//
// Every synaptic event is one read of a target index and one add into a neuron's
// input, `g[target[k]] += w`, at random targets. This program times that loop over
// `n_synapses` synapses into `n_neurons` neurons, on one core, and prints the events
// per second. A simulator can approach this rate but not beat it, whatever its code
// generation: the rest of its work (state updates, spike detection, queues) comes on top.
//
//   g++ -O3 -march=native event_limit.cpp -o event_limit && ./event_limit 64000 5120000 20
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

int main(int argc, char** argv) {
    const long n_neurons = argc > 1 ? std::atol(argv[1]) : 64000;
    const long n_synapses = argc > 2 ? std::atol(argv[2]) : 80 * n_neurons;
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 20;
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> pick(0, static_cast<int>(n_neurons) - 1);
    std::vector<int> target(n_synapses);
    for (auto& t : target) t = pick(rng);
    std::vector<double> g(n_neurons, 0.0);
    const double w = 1e-3;
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        for (long k = 0; k < n_synapses; ++k) g[target[k]] += w;
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        if (took.count() < best) best = took.count();
    }
    double sum = 0.0;
    for (double x : g) sum += x;  // keeps the loop from being optimised away
    std::printf("{\"n_neurons\": %ld, \"n_synapses\": %ld, \"events_per_s\": %.6g, \"check\": %.6g}\n",
                n_neurons, n_synapses, n_synapses / best, sum);
    return 0;
}
