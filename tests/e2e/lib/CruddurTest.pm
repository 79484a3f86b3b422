# CruddurTest - what the end-to-end tests share: requests to the stack that
# scripts/test started (through lighttpd), tokens for the seed users, and a
# look at PostgreSQL to check what was (not) written.
package CruddurTest;

use strict;
use warnings;
use Exporter 'import';
use FindBin;
use HTTP::Tiny;
use JSON::PP;
use POSIX ();

our @EXPORT = qw(api token sql_value repo_root base_url json_text twins);

my $http = HTTP::Tiny->new(timeout => 30, keep_alive => 1);
my $http_used = 0;
my $json = JSON::PP->new->utf8->canonical;
my %tokens;

sub repo_root { return "$FindBin::Bin/../.." }

sub base_url {
    my $port = $ENV{CRUDDUR_PORT} or die "CRUDDUR_PORT is not set: run through scripts/test\n";
    return "http://127.0.0.1:$port";
}

sub json_text { return $json->encode($_[0]) }

# api(METHOD, PATH, json => DATA | body => BYTES, token => HANDLE | bearer => RAW,
#     headers => {...}) -> { status, json, headers, content }
sub api {
    my ($method, $path, %opt) = @_;
    my %headers = %{ $opt{headers} || {} };
    my %req = (headers => \%headers);
    if (exists $opt{json}) {
        $req{content} = $json->encode($opt{json});
        $headers{'content-type'} //= 'application/json';
    } elsif (exists $opt{body}) {
        $req{content} = $opt{body};
    }
    $headers{authorization} = 'Bearer ' . token($opt{token}) if $opt{token};
    $headers{authorization} = $opt{bearer} if defined $opt{bearer};
    # lighttpd closes a kept-alive connection idle for 5 s
    # (server.max-keep-alive-idle): a request sent just as it closes is lost
    # on the way (HTTP::Tiny's 599), and a POST is not retried. A connection
    # idle for 2 s is not reused.
    $http = HTTP::Tiny->new(timeout => 30, keep_alive => 1) if time - $http_used > 2;
    my $res = $http->request($method, base_url() . $path, \%req);
    $http_used = time;
    my $decoded;
    if (($res->{headers}{'content-type'} // '') =~ m{^application/json}) {
        $decoded = eval { $json->decode($res->{content}) };
    }
    return { status => $res->{status}, json => $decoded,
             headers => $res->{headers}, content => $res->{content} };
}

# A fresh access token for a seed user from cognito-local, one per handle.
sub token {
    my ($handle) = @_;
    return $tokens{$handle} //= do {
        my $root = repo_root();
        my $t = `"$root/scripts/dev/token" $handle`;
        die "scripts/dev/token $handle failed\n" if $? != 0;
        chomp $t;
        $t;
    };
}

# twins(N, CODE): CODE (a request, its answer as api() gives it) run in N
# child processes at the same moment, for what must happen once however
# many ask together. Each answer as "STATUS UUID" ('-' without a uuid), in
# the order they came. Fetch the tokens first: a child's is lost with it.
sub twins {
    my ($n, $code) = @_;
    pipe(my $rd, my $wr) or die "pipe: $!\n";
    my @pids;
    for (1 .. $n) {
        my $pid = fork() // die "fork: $!\n";
        if ($pid == 0) {
            close $rd;
            # Never back into the caller's code: a die here would run the
            # rest of the test a second time.
            my $line = eval { my $r = $code->(); "$r->{status} " . ($r->{json}{uuid} // '-') }
                // "died: $@";
            syswrite $wr, "$line\n";
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    close $wr;
    my @answers = map { chomp; $_ } <$rd>;
    close $rd;
    waitpid $_, 0 for @pids;
    return @answers;
}

# The first column of the first row of a query, through psql.
sub sql_value {
    my ($query) = @_;
    my $url = $ENV{CONNECTION_URL} or die "CONNECTION_URL is not set\n";
    open(my $ph, '-|', 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1',
         $url, '-c', $query) or die "psql: $!\n";
    my $out = do { local $/; <$ph> } // '';
    close $ph or die "psql failed for: $query\n";
    $out =~ s/\n\z//;
    return $out;
}

1;
