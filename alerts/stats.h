// The significance tests the detectors state in every alert: one-sided upper tails, computed in
// log space so that p-values of 1e-30 are exact enough to compare and print.
#pragma once

namespace yuqing::alerts {

// P(X >= x) for X ~ negative binomial with mean `mean` and size `k` (variance mean + mean^2/k);
// k -> infinity is Poisson. mean <= 0 gives 0 for x > 0.
double negative_binomial_upper_tail(double x, double mean, double k);
double poisson_upper_tail(double x, double mean);
// P(X >= k) for X ~ Binomial(n, p).
double binomial_upper_tail(int k, int n, double p);

}  // namespace yuqing::alerts
