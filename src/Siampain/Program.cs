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
return await root.Parse(args).InvokeAsync();
