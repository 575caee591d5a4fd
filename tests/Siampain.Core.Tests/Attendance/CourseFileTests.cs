using Siampain.Attendance;

namespace Siampain.Tests.Attendance;

public sealed class CourseFileTests
{
    private const string Header = CourseFile.CsvHeader;

    [Fact]
    public void A_json_course_file_reads_schedule_roster_and_grace()
    {
        const string json = """
            {
              // comments are allowed
              "courses": [
                {
                  "id": "cs101", "name": "Intro to CS", "late_grace_minutes": 5,
                  "schedule": [ { "day": "monday", "start": "09:00", "end": "10:30", "room": "B12" },
                                { "day": "Thu", "start": "14:00", "end": "15:30" } ],
                  "roster": [ "s001", "s002" ]
                },
                { "id": "math", "name": "Math", "schedule": [], "roster": [] }
              ]
            }
            """;

        var courses = CourseFile.ParseJson(json, "courses.json");

        var cs = courses[0];
        Assert.Equal(("cs101", "Intro to CS", 5), (cs.Id, cs.Name, cs.LateGraceMinutes));
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Thursday], cs.Schedule.Select(s => s.Day));
        Assert.Equal(new TimeOnly(9, 0), cs.Schedule[0].Start);
        Assert.Equal(new TimeOnly(15, 30), cs.Schedule[1].End);
        Assert.Equal("B12", cs.Schedule[0].Room);
        Assert.Equal(["s001", "s002"], cs.Roster);
        Assert.Equal(Course.DefaultLateGraceMinutes, courses[1].LateGraceMinutes);
    }

    [Theory]
    [InlineData("""{"courses":[{"id":"a","name":"A","schedule":[{"day":"funday","start":"09:00","end":"10:00"}]}]}""", "courses[0] ('a') schedule[0]: day 'funday'")]
    [InlineData("""{"courses":[{"id":"a","name":"A","schedule":[{"day":"mon","start":"10:00","end":"09:00"}]}]}""", "end 09:00 is not after start 10:00")]
    [InlineData("""{"courses":[{"id":"a","name":"A","rooster":[]}]}""", "rooster")]
    [InlineData("""{"courses":[{"id":"a","name":"A","roster":["s1","s1"]}]}""", "roster lists 's1' twice")]
    [InlineData("""{"courses":[{"id":"a","name":""}]}""", "course 'a' has no name")]
    [InlineData("""{"courses":[{"id":"a","name":"A"},{"id":"a","name":"B"}]}""", "course 'a' appears twice")]
    [InlineData("""{"classes":[]}""", "classes")]
    public void A_bad_json_course_file_names_the_problem(string json, string expected)
    {
        var error = Assert.Throws<CourseFileException>(() => CourseFile.ParseJson(json, "courses.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("courses.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_rows_of_one_course_add_slots_and_roster_members()
    {
        var csv = $"""
            {Header}
            # comment lines and blank lines are skipped

            cs101,"Intro, part 1",monday,09:00,10:30,B12,5,s001 s002
            cs101,,thursday,14:00,15:30,B12,,s002;s003
            math,Math,tue,8:00,9:00,,,
            """;

        var courses = CourseFile.ParseCsv(csv, "courses.csv");

        Assert.Equal(["cs101", "math"], courses.Select(c => c.Id));
        Assert.Equal("Intro, part 1", courses[0].Name);
        Assert.Equal(2, courses[0].Schedule.Count);
        Assert.Equal(["s001", "s002", "s003"], courses[0].Roster);
        Assert.Equal(5, courses[0].LateGraceMinutes);
        Assert.Equal(new TimeOnly(8, 0), courses[1].Schedule[0].Start);
        Assert.Empty(courses[1].Roster);
    }

    [Theory]
    [InlineData("cs101,Intro,monday,9h,10:30,,,", "line 2: start '9h' is not a time of day")]
    [InlineData("cs101,Intro,monday,09:00,10:30,,soon,", "line 2: late_grace_minutes 'soon'")]
    [InlineData("cs101,Intro,monday,09:00,10:30", "line 2: has 5 fields, expected 8")]
    [InlineData("cs101,Intro,someday,09:00,10:30,,,", "line 2: day 'someday'")]
    [InlineData("cs 101,Intro,monday,09:00,10:30,,,", "line 2: course id 'cs 101'")]
    [InlineData("cs101,\"Intro,monday,09:00,10:30,,,", "line 2: a quoted field is not closed")]
    [InlineData("cs101,Intro,monday,09:00,10:30,,,s1\ncs101,Other,tuesday,09:00,10:30,,,", "line 3: course 'cs101' is named 'Intro' on line 2 and 'Other' here")]
    [InlineData("cs101,Intro,monday,09:00,10:30,,,s1\ncs101,,monday,10:00,11:00,,,", "line 3: course 'cs101' has two overlapping slots on Monday")]
    public void A_bad_csv_row_is_refused_naming_its_line(string rows, string expected)
    {
        var error = Assert.Throws<CourseFileException>(() => CourseFile.ParseCsv($"{Header}\n{rows}\n", "courses.csv"));
        Assert.Contains("courses.csv " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_without_the_header_is_refused()
    {
        var error = Assert.Throws<CourseFileException>(() => CourseFile.ParseCsv("cs101,Intro,monday,09:00,10:30,,,\n", "c.csv"));
        Assert.Contains("c.csv line 1: the header must be exactly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_another_extension_or_missing_is_refused_clearly()
    {
        Assert.Contains("use .json or .csv", Assert.Throws<CourseFileException>(() => CourseFile.Load("courses.txt")).Message, StringComparison.Ordinal);
        var missing = Path.Combine(Path.GetTempPath(), "siampain-no-such-file.json");
        Assert.Contains("cannot read the file", Assert.Throws<CourseFileException>(() => CourseFile.Load(missing)).Message, StringComparison.Ordinal);
    }
}
