# The workers' cache of hot reads (home, users short, the caller) is exact:
# a write answered 200 is seen at once by every worker of the host; an
# activity vanishes when it expires; replies, names and handles changed
# anywhere show up; a PostgreSQL restart leaves nothing stale; and with
# CRUDDUR_RESPONSE_CACHE=0 (nginx + spawn-fcgi workers) the answers are
# the same bytes. A post is announced to the workers of other hosts after
# its commit, and only then (the triggers stay for other writers). Runs
# again and again on one stack: it cleans up after itself and waits for
# states with deadlines.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IPC::Open2 qw(open2);
use JSON::PP;
use Test::More;
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurHard qw(wait_until worker_pids);
use CruddurLoad qw(stack);

my $tag = "cache$$";
my $ROUNDS = $ENV{CACHE_ROUNDS} // 1000;
my @worker_pids = split /,/, worker_pids();
my $workers = @worker_pids;
my $json = JSON::PP->new->utf8;
token($_) for qw(andrewbrown bayko);

sub home_uuids { my $r = api(GET => '/api/activities/home'); return map { $_->{uuid} } @{ $r->{json} || [] } }
sub home_has { my ($u) = @_; return scalar grep { $_ eq $u } home_uuids() }
# n reads in a row satisfy pred: enough reads to pass through every worker.
sub reads_all { my ($n, $pred) = @_; $pred->() || return 0 for 1 .. $n; return 1 }
my $R = 4 * $workers;

subtest 'post then read through every worker' => sub {
    my $dir = tempdir('cruddur-cache.XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $log_from = -s "$ENV{CRUDDUR_STATE}/lighttpd.log";
    # Readers, one connection each, read home without a pause and check
    # that the post last acknowledged before each read was sent is in it.
    my @readers;
    for my $c (1 .. $workers) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            my $http = HTTP::Tiny->new(keep_alive => 1, timeout => 30);
            my ($reads, $stale) = (0, 0);
            until (-e "$dir/done") {
                open(my $fh, '<', "$dir/acked") or next;
                my $want = <$fh> // '';
                close $fh;
                my $r = $http->get(base_url() . '/api/activities/home');
                $reads++;
                $stale++ unless $r->{status} == 200 && index($r->{content}, "\"$want\"") >= 0;
            }
            open(my $out, '>', "$dir/reader$c") or die;
            print $out "$reads $stale\n";
            close $out;
            exit 0;
        }
        push @readers, $pid;
    }
    my ($acked, $failed) = (0, 0);
    for my $n (1 .. $ROUNDS) {
        my $r = api(POST => '/api/activities', token => 'andrewbrown',
                    json => { message => "$tag round $n", ttl => '1-hour' });
        if ($r->{status} != 200) { $failed++; next }
        $acked++;
        # Acknowledged: from now on every read must hold it.
        open(my $fh, '>', "$dir/acked.tmp") or die;
        print $fh $r->{json}{uuid};
        close $fh;
        rename "$dir/acked.tmp", "$dir/acked" or die;
        # Every worker reads between two posts at least once, mostly.
        sleep 0.002;
    }
    open(my $done, '>', "$dir/done") or die;
    close $done;
    waitpid $_, 0 for @readers;
    my ($reads, $stale) = (0, 0);
    for my $c (1 .. $workers) {
        open(my $fh, '<', "$dir/reader$c") or next;
        my ($r, $s) = split ' ', <$fh>;
        $reads += $r;
        $stale += $s;
    }
    is $failed, 0, "$acked posts acknowledged, none failed";
    cmp_ok $reads, '>=', $ROUNDS, "$reads reads of home meanwhile";
    is $stale, 0, 'no read missed a post acknowledged before it was sent';
    # Which workers answered those reads: the access log's pids.
    open(my $lh, '<', "$ENV{CRUDDUR_STATE}/lighttpd.log") or die;
    seek $lh, $log_from, 0;
    my %pids;
    while (<$lh>) { $pids{$1}++ if m{cruddur\[(\d+)\]: GET /api/activities/home 200} }
    is scalar(keys %pids), $workers, "the reads went through all $workers workers";
};

subtest 'an activity that expires leaves home within a second' => sub {
    my $uuid = sql_value(qq{INSERT INTO activities (user_uuid, message, expires_at)
        SELECT uuid, '$tag expiring', now() + interval '5 s' FROM users WHERE handle = 'londo'
        RETURNING uuid});
    my $expires = time + 5;   # psql's now() was before ours
    ok wait_until(sub { reads_all($R, sub { home_has($uuid) }) }, 4), 'shown while alive, by every worker';
    # Every read sent a second after it expired, through every worker.
    sleep($expires + 1 - time) if $expires + 1 > time;
    ok reads_all($R, sub { !home_has($uuid) }), 'gone from every worker a second after expiring';
};

subtest 'a reply moves replies_count in the cached feed at once' => sub {
    my $parent = api(POST => '/api/activities', token => 'bayko',
                     json => { message => "$tag parent", ttl => '1-hour' })->{json}{uuid};
    my $count = sub {
        my ($a) = grep { $_->{uuid} eq $parent } @{ api(GET => '/api/activities/home')->{json} };
        return $a ? $a->{replies_count} : -1;
    };
    ok reads_all($R, sub { $count->() == 0 }), 'cached with no reply';
    is api(POST => "/api/activities/$parent/reply", token => 'andrewbrown',
           json => { message => "$tag reply" })->{status}, 200, 'replied';
    ok reads_all($R, sub { $count->() == 1 }), 'every read right after shows 1 reply';
};

subtest 'a display name or handle changed in PostgreSQL shows at once' => sub {
    my $short = sub { api(GET => "/api/users/\@$_[0]/short") };
    my $feed_name = sub {
        my ($a) = grep { $_->{handle} =~ /^londo/ } @{ api(GET => '/api/activities/home')->{json} };
        return $a ? "$a->{handle}/$a->{display_name}" : '';
    };
    my $post = api(POST => '/api/activities', token => 'andrewbrown', json => { message => "$tag x", ttl => '1-hour' });
    sql_value(qq{INSERT INTO activities (user_uuid, message, expires_at)
                 SELECT uuid, '$tag by londo', now() + interval '1 hour' FROM users WHERE handle = 'londo'});
    ok reads_all($R, sub { $short->('londo')->{json}{display_name} eq 'Londo Mollari' }), 'short cached';
    ok reads_all($R, sub { $feed_name->() eq 'londo/Londo Mollari' }), 'feed cached';
    sql_value(q{UPDATE users SET display_name = 'Londo M.' WHERE handle = 'londo'});
    ok wait_until(sub { reads_all($R, sub { ($short->('londo')->{json}{display_name} // '') eq 'Londo M.' }) }, 1),
        'short shows the new name within a second';
    ok wait_until(sub { reads_all($R, sub { $feed_name->() eq 'londo/Londo M.' }) }, 1), 'and the feed';
    sql_value(q{UPDATE users SET handle = 'londo_m' WHERE handle = 'londo'});
    ok wait_until(sub { reads_all($R, sub { $short->('londo')->{status} == 404 && $short->('londo_m')->{status} == 200 }) }, 1),
        'the old handle is 404, the new one answers, within a second';
    ok wait_until(sub { reads_all($R, sub { $feed_name->() eq 'londo_m/Londo M.' }) }, 1), 'the feed shows the new handle';
    sql_value(q{UPDATE users SET handle = 'londo', display_name = 'Londo Mollari' WHERE handle = 'londo_m'});
    ok wait_until(sub { reads_all($R, sub { $short->('londo')->{status} == 200 }) }, 1), 'put back';
};

subtest 'after a PostgreSQL restart nothing stale is served' => sub {
    ok reads_all($R, sub { api(GET => '/api/users/@bayko/short')->{json}{display_name} eq 'Andrew Bayko' }), 'short cached';
    ok reads_all($R, sub { grep { $_->{handle} eq 'bayko' && $_->{display_name} eq 'Andrew Bayko' }
                                @{ api(GET => '/api/activities/home')->{json} } }), 'feed cached';
    ok stack('cr_stop postgres "$CR_TEXT_postgres" INT >/dev/null && cr_start_postgres >/dev/null'), 'PostgreSQL restarted';
    # Changed before any worker heard from the new server: no NOTIFY of it
    # reaches a worker that was not listening; the lost connection must do.
    sql_value(q{UPDATE users SET display_name = 'Bayko Restarted' WHERE handle = 'bayko'});
    ok reads_all($R, sub { (api(GET => '/api/users/@bayko/short')->{json}{display_name} // '') eq 'Bayko Restarted' }),
        'every read of short at once shows the change';
    ok reads_all($R, sub { grep { $_->{handle} eq 'bayko' && $_->{display_name} eq 'Bayko Restarted' }
                                @{ api(GET => '/api/activities/home')->{json} || [] } }), 'and of home';
    sql_value(q{UPDATE users SET display_name = 'Andrew Bayko' WHERE handle = 'bayko'});
    ok wait_until(sub { reads_all($R, sub { (api(GET => '/api/users/@bayko/short')->{json}{display_name} // '') eq 'Andrew Bayko' }) }, 2),
        'put back';
};

# A psql session LISTENing to what the workers LISTEN to, and to a marker
# channel of the test's own: notifications arrive in commit order, so the
# ones read before a marker sent after a write are exactly those of
# commits before it.
sub listener {
    my $pid = open2(my $out, my $in, 'psql', '-X', '-q', '-At', $ENV{CONNECTION_URL}) or die "psql: $!";
    $in->autoflush(1);
    # Listening once psql has answered what follows the LISTENs.
    print $in "LISTEN cruddur_changes; LISTEN cruddur_test_marker; SELECT 'listening';\n";
    while (defined(my $line = readline $out)) { last if $line =~ /^listening$/ }
    return { pid => $pid, out => $out, in => $in, n => 0 };
}
# The payloads of cruddur_changes received before the next marker, within
# 5 s; undef when no marker came.
sub changes_before_marker {
    my ($l) = @_;
    sql_value('NOTIFY cruddur_test_marker');
    my @got;
    my $until = time + 5;
    while (time < $until) {
        # psql shows what it has received after each command it runs.
        my $sync = 'sync' . ++$l->{n};
        print { $l->{in} } "SELECT '$sync';\n";
        while (defined(my $line = readline $l->{out})) {
            last if $line =~ /^\Q$sync\E$/;
            # psql leaves out "with payload" when there is none.
            next unless $line =~ /^Asynchronous notification "(\w+)"(?: with payload "([^"]*)")?/;
            return \@got if $1 eq 'cruddur_test_marker';
            push @got, $2 // '';
        }
        sleep 0.02;
    }
    return undef;
}

subtest 'writes are announced once, after their commit' => sub {
    my $l = listener();
    is_deeply changes_before_marker($l), [], 'listening, nothing pending';
    is api(POST => '/api/activities', token => 'andrewbrown',
           json => { message => "$tag announced", ttl => '1-hour' })->{status}, 200, 'posted';
    # One notification: the worker's own after its commit. The trigger in
    # the post's transaction (which would serialize every post's commit
    # behind a database-wide lock) stayed silent.
    is_deeply changes_before_marker($l), ['activities'], 'the post: one announcement of activities';
    my $parent = sql_value(qq{SELECT uuid FROM activities WHERE message = '$tag announced'});
    is api(POST => "/api/activities/$parent/reply", token => 'bayko',
           json => { message => "$tag announced reply" })->{status}, 200, 'replied';
    is_deeply changes_before_marker($l), ['activities'], 'the reply: one announcement';
    # Any other writer: the trigger tells, unless the session says it
    # announces its writes itself, as the workers' connections do.
    sql_value(qq{UPDATE activities SET message = message WHERE message = '$tag announced'});
    is_deeply changes_before_marker($l), ['activities'], 'psql writing: the trigger notifies';
    sql_value(qq{SET cruddur.notify = 'after'; UPDATE activities SET message = message WHERE message = '$tag announced'});
    is_deeply changes_before_marker($l), [], 'a session announcing for itself: the trigger stays silent';
    close $l->{in};
    waitpid $l->{pid}, 0;
};

subtest 'ETag and conditional GET' => sub {
    # Nothing changes meanwhile, but a change made by psql just before
    # reaches each worker a moment later: ask until the tag holds still.
    my ($r, $etag, $c);
    wait_until(sub {
        $r = api(GET => '/api/activities/home');
        $etag = $r->{headers}{etag} // '';
        $c = api(GET => '/api/activities/home', headers => { 'if-none-match' => "\"x\", W/$etag" });
        $c->{status} == 304;
    }, 2);
    like $etag, qr/^"[0-9a-f]{16}"$/, 'home has a strong ETag';
    is $r->{headers}{'cache-control'}, 'no-cache', 'public feed: revalidate';
    is $c->{status}, 304, 'If-None-Match with it: 304';
    is length($c->{content} // ''), 0, 'no body';
    is $c->{headers}{etag}, $etag, '304 carries the ETag';
    is api(GET => '/api/activities/home', headers => { 'if-none-match' => '"0000000000000000"' })->{status}, 200, 'another tag: 200';
    my $s = api(GET => '/api/users/@bayko/short');
    is api(GET => '/api/users/@bayko/short', headers => { 'if-none-match' => $s->{headers}{etag} })->{status}, 304, 'short: 304';
    is api(GET => '/api/activities/notifications', token => 'andrewbrown')->{headers}{'cache-control'}, 'no-store',
        "the caller's own answers: no-store";
};

subtest 'CRUDDUR_RESPONSE_CACHE=0 gives the same bytes' => sub {
    my $script = repo_root() . '/scripts/dev/nginx';
    is system("CRUDDUR_RESPONSE_CACHE=0 $script start >/dev/null"), 0, 'nginx + spawn-fcgi workers without the cache';
    my $off = HTTP::Tiny->new(timeout => 30);
    my $off_url = "http://127.0.0.1:$ENV{CRUDDUR_NGINX_PORT}";
    for my $path ('/api/activities/home', '/api/users/@bayko/short', '/api/users/@andrewbrown/short') {
        my ($on, $o);
        ok wait_until(sub {
            $on = api(GET => $path);
            $o = $off->get("$off_url$path");
            $on->{content} eq $o->{content};
        }, 5), "$path: the same bytes with and without the cache";
        is $o->{headers}{etag}, $on->{headers}{etag}, "$path: the same ETag";
    }
    is system("$script stop >/dev/null"), 0, 'stopped';
};

sql_value("DELETE FROM activities WHERE message LIKE '$tag %'");
done_testing;
