#include "alerts/stats.h"

#include <algorithm>
#include <cmath>

namespace yuqing::alerts {

namespace {

// Sums exp(log_pmf(j)) for j = from, from+1, ... until the terms stop mattering.
template <typename LogPmf>
double upper_sum(long from, long to, LogPmf log_pmf) {
  double sum = 0;
  for (long j = from; j <= to; ++j) {
    const double term = std::exp(log_pmf(j));
    sum += term;
    if (j > from + 10 && term < sum * 1e-17) break;
  }
  return std::min(1.0, sum);
}

}  // namespace

double poisson_upper_tail(double x, double mean) {
  const long from = long(std::ceil(x));
  if (from <= 0) return 1;
  if (mean <= 0) return 0;
  // Far below the mean the upper tail is close to 1: take the complement of the lower sum.
  if (from <= mean) {
    double lower = 0;
    for (long j = 0; j < from; ++j) lower += std::exp(j * std::log(mean) - mean - std::lgamma(j + 1.0));
    return std::clamp(1 - lower, 0.0, 1.0);
  }
  return upper_sum(from, from + 100000, [&](long j) { return j * std::log(mean) - mean - std::lgamma(j + 1.0); });
}

double negative_binomial_upper_tail(double x, double mean, double k) {
  if (k > 1e8) return poisson_upper_tail(x, mean);
  const long from = long(std::ceil(x));
  if (from <= 0) return 1;
  if (mean <= 0) return 0;
  const double p = k / (k + mean);  // success probability
  auto log_pmf = [&](long j) {
    return std::lgamma(j + k) - std::lgamma(k) - std::lgamma(j + 1.0) + k * std::log(p) + j * std::log1p(-p);
  };
  if (from <= mean) {
    double lower = 0;
    for (long j = 0; j < from; ++j) lower += std::exp(log_pmf(j));
    return std::clamp(1 - lower, 0.0, 1.0);
  }
  return upper_sum(from, from + 1000000, log_pmf);
}

double binomial_upper_tail(int k, int n, double p) {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  auto log_pmf = [&](long j) {
    return std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0) + j * std::log(p) +
           (n - j) * std::log1p(-p);
  };
  if (k <= n * p) {
    double lower = 0;
    for (long j = 0; j < k; ++j) lower += std::exp(log_pmf(j));
    return std::clamp(1 - lower, 0.0, 1.0);
  }
  return upper_sum(k, n, log_pmf);
}

}  // namespace yuqing::alerts
