using System.CommandLine;
using System.Globalization;
using Siampain.Attendance;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>`siampain courses list|import`: the weekly schedule and rosters.</summary>
internal static class CoursesCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List courses with their weekly slots and roster size") { PeopleCommandSupport.Database };
        list.SetAction(result => PeopleCommandSupport.Run(() =>
        {
            using var db = PeopleCommandSupport.Open(result);
            PeopleCommandSupport.ReportRecovery(db);
            var table = new Table().AddColumns("Id", "Name", "Schedule", "Roster", "Late after");
            foreach (var course in new AttendanceStore(db).ListCourses())
            {
                var slots = string.Join("\n", course.Schedule.Select(s =>
                    string.Create(CultureInfo.InvariantCulture, $"{s.Day.ToString()[..3]} {s.Start:HH:mm}-{s.End:HH:mm} {s.Room}").TrimEnd()));
                table.AddRow(Markup.Escape(course.Id), Markup.Escape(course.Name), Markup.Escape(slots),
                    course.Roster.Count.ToString(CultureInfo.InvariantCulture), $"{course.LateGraceMinutes} min");
            }

            AnsiConsole.Write(table);
            return 0;
        }));

        var file = new Argument<FileInfo>("file") { Description = "A .json or .csv course file (format: docs/attendance.md)" };
        var import = new Command("import", "Add or replace courses from a file; nothing is imported unless the whole file is valid") { file, PeopleCommandSupport.Database };
        import.SetAction(result => PeopleCommandSupport.Run(() =>
        {
            var courses = CourseFile.Load(result.GetValue(file)!.FullName);
            using var db = PeopleCommandSupport.Open(result);
            new AttendanceStore(db).SaveCourses(courses);
            AnsiConsole.MarkupLine($"Imported [bold]{courses.Count}[/] courses: {Markup.Escape(string.Join(", ", courses.Select(c => c.Id)))}.");
            return 0;
        }));

        return new Command("courses", "Courses, their weekly schedule and rosters") { list, import };
    }
}
