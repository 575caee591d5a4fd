using System.CommandLine;
using Siampain.Hosting;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>`siampain doctor`: what is wrong with this terminal's installation, and how to fix it.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check configuration, models, camera, GPIO, storage and broker; exit 1 if anything fails")
        {
            RunCommand.Config, RunCommand.Set,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var results = await TerminalDoctor.RunAsync(RunCommand.Settings(result, requireFile: true), cancellationToken);
            var table = new Table().AddColumns("Area", "Check", "Status", "Details / what to do");
            foreach (var line in results)
            {
                var status = line.Status switch
                {
                    DoctorStatus.Ok => "[green]OK[/]",
                    DoctorStatus.Warn => "[yellow]WARN[/]",
                    DoctorStatus.Fail => "[red]FAIL[/]",
                    _ => "[grey]SKIP[/]",
                };
                var detail = Markup.Escape(line.Detail) + (line.Fix is null ? string.Empty : $"\n[bold]→ {Markup.Escape(line.Fix)}[/]");
                table.AddRow(Markup.Escape(line.Area), Markup.Escape(line.Check), status, detail);
            }

            AnsiConsole.Write(table);
            var failed = results.Count(r => r.Status == DoctorStatus.Fail);
            var warned = results.Count(r => r.Status == DoctorStatus.Warn);
            AnsiConsole.MarkupLine(failed > 0
                ? $"[red]{failed} check(s) failed[/], {warned} warning(s): fix the FAIL lines, then run `siampain doctor` again."
                : warned > 0 ? $"[yellow]{warned} warning(s)[/], nothing failed." : "[green]All checks passed.[/]");
            return failed > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }
}
