using System.Text.Json;
using System.Text.Json.Serialization;
using ScottPlot;
using Siampain.Evaluation;

namespace Siampain.Cli;

/// <summary>Writes evaluation reports as JSON and ROC curves as PNG plots.</summary>
internal static class ReportWriter
{
    public static void WriteJson<T>(T report, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ReportJsonContext.Default.GetTypeInfo(typeof(T))!;
        File.WriteAllText(path, JsonSerializer.Serialize(report, info) + "\n");
    }

    /// <summary>ROC curves on a logarithmic false-accept axis, where the operating points of a door terminal live.</summary>
    public static void WriteRocPlot(IEnumerable<VerificationReport> reports, string path)
    {
        var plot = new Plot();
        foreach (var report in reports)
        {
            var points = report.Roc.Where(p => p.FalseAcceptRate > 0).ToArray();
            var scatter = plot.Add.ScatterLine(
                points.Select(p => Math.Log10(p.FalseAcceptRate)).ToArray(),
                points.Select(p => p.TrueAcceptRate).ToArray());
            scatter.LegendText = $"{report.Protocol} {report.Model} ({report.MeanAccuracy * 100:F2}%)";
            scatter.LineWidth = 2;
        }

        plot.Axes.Bottom.Label.Text = "false accept rate (log10)";
        plot.Axes.Left.Label.Text = "true accept rate";
        plot.Axes.SetLimits(-3.5, 0, 0.5, 1.0);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 900, 650);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(VerificationReport))]
[JsonSerializable(typeof(List<VerificationReport>))]
[JsonSerializable(typeof(IdentificationReport))]
[JsonSerializable(typeof(List<IdentificationReport>))]
[JsonSerializable(typeof(IReadOnlyList<IdentificationReport>))]
[JsonSerializable(typeof(MaskedLfwResult))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
