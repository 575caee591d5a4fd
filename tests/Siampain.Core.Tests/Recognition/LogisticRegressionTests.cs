using Siampain.Recognition;

namespace Siampain.Tests.Recognition;

public sealed class LogisticRegressionTests
{
    [Fact]
    public void Fits_two_clouds_apart_whatever_the_scale_of_each_feature()
    {
        // Feature 0 carries the class in tiny units, feature 1 is loud noise: standardisation must find the signal.
        var random = new Random(1);
        var features = new List<float[]>();
        var labels = new List<bool>();
        for (var i = 0; i < 400; i++)
        {
            var positive = i % 2 == 0;
            features.Add([(positive ? 0.002f : -0.002f) + (0.0005f * Gaussian(random)), 1000f * Gaussian(random)]);
            labels.Add(positive);
        }

        var model = LogisticRegression.Fit(features, labels, lambda: 0.01f);

        var right = features.Zip(labels).Count(p => (model.Logit(p.First) >= 0) == p.Second);
        Assert.True(right >= 396, $"{right} of 400 right");
        Assert.True(model.Weights[0] > 0);
    }

    [Fact]
    public void Refuses_data_of_one_class()
    {
        var error = Assert.Throws<ArgumentException>(() => LogisticRegression.Fit([[1f], [2f]], [true, true], 0.01f));

        Assert.Equal("Need samples of both classes.", error.Message);
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
