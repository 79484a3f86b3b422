# The same worker behind nginx + spawn-fcgi (scripts/dev/nginx): it answers,
# and stopping it leaves no process behind.
use strict;
use warnings;
use FindBin;
use HTTP::Tiny;
use Test::More;
use Time::HiRes qw(sleep);

for my $v (qw(CRUDDUR_NGINX_PORT CRUDDUR_STATE CRUDDUR_WORKERS)) {
    die "$v is not set: run through scripts/test\n" unless defined $ENV{$v};
}
my $script = "$FindBin::Bin/../../scripts/dev/nginx";
my $state = $ENV{CRUDDUR_STATE};
my $http = HTTP::Tiny->new(timeout => 10);

sub slurp_pids {
    open(my $fh, '<', $_[0]) or return ();
    local $/;
    my $text = <$fh> // '';
    return grep { /^\d+$/ } split /\s+/, $text;
}

# alive and not a zombie
sub alive {
    my ($pid) = @_;
    open(my $fh, '<', "/proc/$pid/stat") or return 0;
    my $stat = <$fh> // '';
    my ($state_char) = $stat =~ /\)\s+(\S)/;
    return defined $state_char && $state_char ne 'Z' && $state_char ne 'X';
}

is system("$script start"), 0, 'scripts/dev/nginx start';
my ($master) = slurp_pids("$state/nginx.pid");
my @workers = slurp_pids("$state/spawn-fcgi.pid");
ok $master && alive($master), 'nginx runs';
is scalar(grep { alive($_) } @workers), $ENV{CRUDDUR_WORKERS},
    "spawn-fcgi started CRUDDUR_WORKERS=$ENV{CRUDDUR_WORKERS} workers";
my @nginx_children = $master ? split(' ', `pgrep -P $master 2>/dev/null`) : ();

my $res = $http->get("http://127.0.0.1:$ENV{CRUDDUR_NGINX_PORT}/api/health-check");
is $res->{status}, 200, 'GET /api/health-check through nginx + spawn-fcgi answers 200';
like $res->{headers}{'content-type'} // '', qr{^application/json}, '... as JSON';
$res = $http->get("http://127.0.0.1:$ENV{CRUDDUR_NGINX_PORT}/elsewhere");
is $res->{status}, 404, 'a path outside /api/ stays in nginx';

is system("$script stop"), 0, 'scripts/dev/nginx stop';
my @all = grep { defined } ($master, @workers, @nginx_children);
my @left;
for (1 .. 50) {    # let init reap them
    @left = grep { alive($_) } @all;
    last unless @left;
    sleep 0.1;
}
is_deeply \@left, [], 'no nginx or worker process is left (' . scalar(@all) . ' checked)';
$res = $http->get("http://127.0.0.1:$ENV{CRUDDUR_NGINX_PORT}/api/health-check");
is $res->{status}, 599, 'nothing listens on the nginx port any more';

done_testing;
