# CruddurLoad - steady traffic from a few forked clients while a test breaks
# a part of the stack, and what the callers saw.
#
#   my $load = load_start(clients => 4, request => sub { my ($client, $n) = @_; ... return (METHOD, PATH, %api_opts, tag => T) });
#   ... break something, mark times with time() ...
#   my @r = load_stop($load);   # every answer: { client, t0, t1, status, code, tag, uuid, group, message }
#
# Tokens must be fetched (CruddurTest::token) before load_start so the
# clients inherit them. No HTTP answer is status 599 (HTTP::Tiny's own),
# with code 'refused', 'timeout' or 'cut' (the connection broke).
package CruddurLoad;

use strict;
use warnings;
use Exporter 'import';
use File::Temp qw(tempdir);
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time sleep);
use CruddurTest;

our @EXPORT = qw(load_start load_stop summarize between stack restart_with);

my $json = JSON::PP->new->utf8->canonical;
my @running;   # the loads this process started

# The stack scripts' own helpers, in the environment the test runs in.
sub stack {
    my ($code) = @_;
    my $root = repo_root();
    return system('bash', '-c', '. "$0/scripts/lib.sh" && . "$0/scripts/dev/stack.sh" && ' . $code,
                  $root) == 0;
}

# restart_with(CODE, \%clear, %env): runs CODE (stack code that stops and
# starts a part) with the variables named in %clear gone from the
# environment the part inherits and %env set; true when it succeeded.
sub restart_with {
    my ($code, $clear, %env) = @_;
    delete @ENV{ keys %$clear };
    @ENV{ keys %env } = values %env;
    return stack($code);
}

sub load_start {
    my (%o) = @_;
    my $dir = tempdir('cruddur-load.XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my @pids;
    my $parent = $$;
    for my $c (1 .. $o{clients} // 4) {
        my $pid = fork() // die "fork: $!\n";
        if ($pid == 0) {
            client_loop($dir, $c, $o{request}, $o{pause} // 0, $parent);
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    my $load = { dir => $dir, pids => \@pids, started => time, parent => $parent };
    push @running, $load;
    return $load;
}

# Loads still running when the test ends (it died) are stopped.
END {
    for my $load (grep { $_->{parent} == $$ && !$_->{stopped} } @running) {
        my $code = $?;
        load_stop($load);
        $? = $code;
    }
}

sub client_loop {
    my ($dir, $c, $request, $pause, $parent) = @_;
    open(my $out, '>>', "$dir/client$c.log") or die "$dir: $!\n";
    $out->autoflush(1);
    # A test that dies leaves no client behind: each stops with its parent.
    for (my $n = 1; !-e "$dir/stop" && getppid() == $parent; $n++) {
        my ($method, $path, %opt) = $request->($c, $n);
        my $tag = delete $opt{tag} // '';
        my $t0 = time;
        my $r = api($method, $path, %opt);
        my $t1 = time;
        my %rec = (client => $c, n => $n, t0 => $t0, t1 => $t1, status => $r->{status}, tag => $tag,
                   method => $method, path => $path);
        if ($r->{status} == 599) {
            my $why = $r->{content} // '';
            $rec{code} = $why =~ /refused/i ? 'refused' : $why =~ /timed out/i ? 'timeout' : 'cut';
        } elsif (ref $r->{json} eq 'HASH' && ref $r->{json}{errors} eq 'ARRAY') {
            $rec{code} = join ',', @{ $r->{json}{errors} };
        } elsif ($r->{status} != 200) {
            $rec{code} = 'not_json';
        }
        if ($r->{status} == 200 && ref $r->{json} eq 'HASH') {
            $rec{uuid} = $r->{json}{uuid};
            $rec{group} = $r->{json}{message_group_uuid};
        }
        $rec{message} = $opt{json}{message} if ref $opt{json} eq 'HASH';
        print $out $json->encode(\%rec), "\n";
        sleep $pause if $pause;
        sleep 0.05 if $r->{status} == 599;   # nobody listens: do not spin
    }
}

# The answers so far, without stopping (lines being written are skipped).
sub peek {
    my ($load) = @_;
    my @all;
    for my $f (glob "$load->{dir}/client*.log") {
        open(my $in, '<', $f) or next;
        push @all, grep { defined } map { eval { $json->decode($_) } } grep { /\n\z/ } <$in>;
    }
    return sort { $a->{t0} <=> $b->{t0} } @all;
}

sub load_stop {
    my ($load) = @_;
    $load->{stopped} = 1;
    open(my $fh, '>', "$load->{dir}/stop") or die "$load->{dir}: $!\n";
    close $fh;
    waitpid $_, 0 for @{ $load->{pids} };
    my @all;
    for my $f (glob "$load->{dir}/client*.log") {
        open(my $in, '<', $f) or next;
        push @all, map { $json->decode($_) } <$in>;
    }
    return sort { $a->{t0} <=> $b->{t0} } @all;
}

# The answers whose request ended in [from, to).
sub between {
    my ($from, $to, @r) = @_;
    return grep { $_->{t1} >= $from && $_->{t1} < $to } @r;
}

# "200:41 503:12 599/connect:2" - statuses (and codes of failures) counted.
sub summarize {
    my %n;
    for (@_) {
        my $k = $_->{status} == 200 ? '200' : "$_->{status}/" . ($_->{code} // '-');
        $n{$k}++;
    }
    return join(' ', map { "$_:$n{$_}" } sort keys %n) || 'none';
}

1;
