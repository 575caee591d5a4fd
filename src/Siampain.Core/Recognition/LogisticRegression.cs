using System.Numerics.Tensors;

namespace Siampain.Recognition;

/// <summary>A fitted linear model: P(positive) = sigmoid(Weights · x + Bias).</summary>
public sealed record LinearModel(float[] Weights, float Bias)
{
    public float Logit(ReadOnlySpan<float> x) => TensorPrimitives.Dot(Weights, x) + Bias;
}

/// <summary>
/// Logistic regression fitted by Newton's method on mean binary cross-entropy + lambda/2 * |w|^2 (bias not
/// penalised), on standardised features so that lambda means the same for every feature whatever its scale; the
/// scaling is folded back into the returned weights. Convex and small (a few hundred features): Newton converges
/// in a handful of steps, deterministically, with no learning rate to tune.
/// </summary>
public static class LogisticRegression
{
    public static LinearModel Fit(IReadOnlyList<float[]> features, IReadOnlyList<bool> labels, float lambda, int maxIterations = 30)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Count != labels.Count || features.Count == 0)
        {
            throw new ArgumentException("Need as many labels as samples, and at least one sample.");
        }

        if (labels.All(l => l) || labels.All(l => !l))
        {
            throw new ArgumentException("Need samples of both classes.");
        }

        var n = features.Count;
        var d = features[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        foreach (var x in features)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += x[j] / (double)n;
            }
        }

        foreach (var x in features)
        {
            for (var j = 0; j < d; j++)
            {
                scale[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / n;
            }
        }

        for (var j = 0; j < d; j++)
        {
            scale[j] = scale[j] > 1e-20 ? 1 / Math.Sqrt(scale[j]) : 0;
        }

        // Standardised rows with a trailing 1 for the bias.
        var m = d + 1;
        var z = new float[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++)
            {
                z[(i * m) + j] = (float)((features[i][j] - mean[j]) * scale[j]);
            }

            z[(i * m) + d] = 1;
        }

        var w = new double[m];
        var hessian = new double[m * m];
        var gradient = new double[m];
        var row = new float[m];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            Array.Clear(hessian);
            Array.Clear(gradient);
            var hessianRows = new float[m * m];
            for (var i = 0; i < n; i++)
            {
                var zi = z.AsSpan(i * m, m);
                double logit = 0;
                for (var j = 0; j < m; j++)
                {
                    logit += w[j] * zi[j];
                }

                var p = 1 / (1 + Math.Exp(-logit));
                var error = (p - (labels[i] ? 1 : 0)) / n;
                var curvature = (float)(p * (1 - p) / n);
                for (var j = 0; j < m; j++)
                {
                    gradient[j] += error * zi[j];
                }

                // Upper triangle only, by rows: H[j, j..] += c * z_j * z[j..].
                TensorPrimitives.Multiply(zi, curvature, row);
                for (var j = 0; j < m; j++)
                {
                    var upper = hessianRows.AsSpan((j * m) + j, m - j);
                    TensorPrimitives.MultiplyAdd(zi[j..], row[j], upper, upper);
                }
            }

            for (var j = 0; j < m; j++)
            {
                for (var k = j; k < m; k++)
                {
                    hessian[(j * m) + k] = hessian[(k * m) + j] = hessianRows[(j * m) + k];
                }
            }

            for (var j = 0; j < d; j++)
            {
                gradient[j] += lambda * w[j];
                hessian[(j * m) + j] += lambda;
            }

            // A tiny ridge on the bias keeps the system solvable when the classes are separable.
            hessian[(d * m) + d] += 1e-9;
            var step = SolveCholesky(hessian, gradient, m);
            double change = 0;
            for (var j = 0; j < m; j++)
            {
                w[j] -= step[j];
                change += Math.Abs(step[j]);
            }

            if (change < 1e-8 * m)
            {
                break;
            }
        }

        var weights = new float[d];
        var bias = w[d];
        for (var j = 0; j < d; j++)
        {
            weights[j] = (float)(w[j] * scale[j]);
            bias -= w[j] * scale[j] * mean[j];
        }

        return new LinearModel(weights, (float)bias);
    }

    private static double[] SolveCholesky(double[] a, double[] b, int m)
    {
        var l = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[(i * m) + j];
                for (var k = 0; k < j; k++)
                {
                    sum -= l[(i * m) + k] * l[(j * m) + k];
                }

                l[(i * m) + j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-18)) : sum / l[(j * m) + j];
            }
        }

        var y = new double[m];
        for (var i = 0; i < m; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++)
            {
                sum -= l[(i * m) + k] * y[k];
            }

            y[i] = sum / l[(i * m) + i];
        }

        var x = new double[m];
        for (var i = m - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var k = i + 1; k < m; k++)
            {
                sum -= l[(k * m) + i] * x[k];
            }

            x[i] = sum / l[(i * m) + i];
        }

        return x;
    }
}
