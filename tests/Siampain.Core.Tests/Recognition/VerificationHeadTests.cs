using Siampain.Recognition;

namespace Siampain.Tests.Recognition;

public sealed class VerificationHeadTests
{
    [Fact]
    public void Fit_reaches_the_minimum_of_bce_plus_l2()
    {
        var random = new Random(1);
        var scores = new List<float>();
        var labels = new List<bool>();
        for (var i = 0; i < 400; i++)
        {
            var same = i % 2 == 0;
            scores.Add((float)((same ? 0.6 : 0.1) + ((random.NextDouble() - 0.5) * 0.6)));
            labels.Add(same);
        }

        const float lambda = 0.01f;
        var fitted = VerificationHead.Fit(scores.ToArray(), labels.ToArray(), lambda, "test");

        // At the optimum the gradient of mean BCE + lambda/2 * w^2 vanishes.
        double gradW = lambda * fitted.Slope, gradB = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            var p = 1 / (1 + Math.Exp(-((fitted.Slope * scores[i]) + fitted.Intercept)));
            gradW += (p - (labels[i] ? 1 : 0)) * scores[i] / scores.Count;
            gradB += (p - (labels[i] ? 1 : 0)) / scores.Count;
        }

        Assert.InRange(gradW, -1e-4, 1e-4);
        Assert.InRange(gradB, -1e-4, 1e-4);

        var head = new VerificationHead(fitted);
        Assert.InRange(head.DecisionCosine, 0.25f, 0.45f);
        Assert.True(head.Probability(0.9f) > 0.75f);
        Assert.True(head.Probability(-0.2f) < 0.25f);
    }
}
