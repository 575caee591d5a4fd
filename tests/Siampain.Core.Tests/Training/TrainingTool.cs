using System.Diagnostics;
using System.Text;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Training;

/// <summary>Runs the Python training tool (src/Siampain.Training) with Debian's python3, which has torch.</summary>
internal static class TrainingTool
{
    /// <summary>Debian's interpreter: python3-torch installs into it, not into other pythons that may be on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public static string PackageFolder => Path.Combine(TestAssets.RepositoryRoot, "src", "Siampain.Training");

    public static ToolRun Run(params string[] arguments) => RunPython(["-m", "siampain_train", .. arguments]);

    public static ToolRun RunPython(string[] arguments)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = PackageFolder,
        };
        start.Environment["PYTHONPATH"] = PackageFolder;
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => error.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the training tool did not finish within {Limit}: {string.Join(' ', arguments)}");
        }

        process.WaitForExit();
        return new ToolRun(process.ExitCode, output.ToString(), error.ToString());
    }
}

public sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
