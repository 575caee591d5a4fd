using System.Diagnostics;
using System.Text;
using Siampain.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Siampain.Tests.Deploy;

/// <summary>The system tests are heavy (an emulated CPU, a booted container): alone, never beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeploySystemCollection
{
    public const string Name = "Deploy system tests";
}

/// <summary>
/// Runs the shell-driven system tests of tests/deploy/ (they need root, install their own packages and say why they
/// fail): the linux-arm64 release under qemu as a terminal from enrolment to a published MQTT event, and the x64
/// release installed by deploy/install.sh into a real systemd in a container, through READY, the watchdog, stop
/// and uninstall.
/// </summary>
[Collection(DeploySystemCollection.Name)]
public sealed class DeploySystemTests(ITestOutputHelper output)
{
    /// <summary>Only keeps a broken script from hanging CI; the scripts take a few minutes.</summary>
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromMinutes(20);

    [Fact]
    public void The_arm64_release_under_emulation_enrols_recognises_from_raw_frames_and_publishes_the_attendance_event() =>
        RunScript("arm64-emulation.sh", TestAssets.SamplePhotoPaths[2]);

    [Fact]
    public void The_unit_in_a_real_systemd_is_ready_after_start_restarted_by_its_watchdog_and_installed_and_removed_cleanly() =>
        RunScript("systemd-container.sh");

    private void RunScript(string script, params string[] arguments)
    {
        Assert.True(Environment.UserName == "root", $"tests/deploy/{script} needs root (containers, mount namespaces, apt); CI runs as root.");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestAssets.RepositoryRoot,
        };
        start.ArgumentList.Add(Path.Combine(TestAssets.RepositoryRoot, "tests", "deploy", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            output.WriteLine(e.Data);
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(ScriptLimit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"tests/deploy/{script} did not finish within {ScriptLimit.TotalMinutes} minutes:\n{Tail(log)}");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"tests/deploy/{script} failed with exit code {process.ExitCode}:\n{Tail(log)}");
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            return string.Join('\n', log.ToString().Split('\n').TakeLast(60));
        }
    }
}
