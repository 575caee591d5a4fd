using System.CommandLine;
using Siampain.Cli;
using Spectre.Console;

// Tables printed to a pipe or the journal would otherwise be cut to 80 columns.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 160;
}

var root = new RootCommand("Siampain: face-recognition attendance terminal")
{
    RunCommand.Create(),
    EnrollCommand.Create(),
    DoctorCommand.Create(),
    DemoCommand.Create(),
    BenchCommand.Create(),
    EvalCommand.Create(),
    PeopleCommand.Create(),
    CoursesCommand.Create(),
    AttendanceCommand.Create(),
    GalleryCommand.Create(),
};

// Bad input (a models folder without a manifest, a data folder that does not exist, an unreadable file) gets one
// line naming it, whichever command met it.
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (CommandErrors.IsBadInput(e))
{
    return CommandErrors.Report(e.Message, CommandErrors.BadInput);
}
