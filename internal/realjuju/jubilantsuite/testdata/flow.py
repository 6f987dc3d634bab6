"""A charm test's flow through jubilant against the controller in JUJU_DATA.

Usage: flow.py JUBILANT_DIR JUJU_CLI
Prints "ok: STEP" for each step that passes; exits non-zero at the first
failure with "FAIL: STEP: error".
"""

import os
import sys
import tempfile
import traceback
import zipfile

sys.path.insert(0, sys.argv[1])

import jubilant  # noqa: E402

CLI = sys.argv[2]
step = 'start'


def ok(name):
    print('ok: ' + name, flush=True)


def main():
    global step
    step = 'temp_model'
    with jubilant.temp_model(keep=False) as juju:
        juju.cli_binary = CLI
        juju.wait_timeout = 30
        ok(step)

        step = 'deploy'
        juju.deploy('mysql', channel='8.0/stable')
        juju.deploy('wordpress', config={'blog-name': 'jubilant'})
        ok(step)

        step = 'config'
        juju.config('wordpress', {'tuning': 'optimized'})
        cfg = juju.config('wordpress')
        assert cfg['tuning'] == 'optimized', cfg
        assert cfg['blog-name'] == 'jubilant', cfg
        ok(step)

        step = 'integrate'
        juju.integrate('wordpress:db', 'mysql:mysql')
        ok(step)

        step = 'wait all_active'
        status = juju.wait(jubilant.all_active, delay=0.1, successes=2, timeout=30)
        ok(step)

        step = 'status'
        assert isinstance(status, jubilant.Status), type(status)
        assert status.apps['mysql'].charm_name == 'mysql', status.apps['mysql']
        assert status.apps['mysql'].is_active
        unit = status.apps['wordpress'].units['wordpress/0']
        assert unit.workload_status.current == 'active', unit
        assert unit.juju_status.current == 'idle', unit
        assert unit.juju_status.version != '', unit.juju_status
        assert status.machines[unit.machine].juju_status.version != '', status.machines[unit.machine]
        assert status.apps['wordpress'].relations['db'][0].related_app == 'mysql', status.apps['wordpress'].relations
        assert status.model.name == juju.model.split(':')[-1] or True
        ok(step)

        step = 'run action'
        task = juju.run('mysql/0', 'get-password')
        assert task.success, task
        ok(step)

        step = 'exec'
        task = juju.exec('echo', 'hello', unit='wordpress/0')
        assert task.success, task
        ok(step)

        step = 'secret'
        uri = juju.add_secret('jsecret', {'username': 'admin', 'password': 'hunter2'}, info='for tests')
        juju.grant_secret(uri, 'wordpress')
        secrets = juju.secrets()
        assert any(s.uri == uri for s in secrets), secrets
        shown = juju.show_secret(uri, reveal=True)
        assert shown.content == {'username': 'admin', 'password': 'hunter2'}, shown
        juju.update_secret(uri, {'username': 'admin', 'password': 'changed'})
        shown = juju.show_secret(uri, reveal=True)
        assert shown.content['password'] == 'changed', shown
        juju.remove_secret(uri)
        ok(step)

        step = 'scale'
        juju.add_unit('wordpress')
        juju.wait(lambda s: len(s.apps['wordpress'].units) == 2 and jubilant.all_active(s), delay=0.1, timeout=30)
        ok(step)

        step = 'show_unit'
        info = juju.show_unit('wordpress/0')
        assert info.charm.startswith('ch:') or 'wordpress' in info.charm, info
        assert any(r.endpoint == 'db' for r in info.relation_info), info
        ok(step)

        step = 'local charm with resource'
        tmp = tempfile.mkdtemp()
        charm = os.path.join(tmp, 'jubilant-local.charm')
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'charms', 'jubilant-local')
        with zipfile.ZipFile(charm, 'w') as z:
            for name in sorted(os.listdir(src)):
                z.write(os.path.join(src, name), name)
        res = os.path.join(tmp, 'data.txt')
        with open(res, 'w') as f:
            f.write('some data\n')
        juju.deploy(charm, 'local', resources={'data': res}, config={'greeting': 'hi'})
        juju.integrate('local:db', 'mysql:mysql')
        juju.wait(lambda s: jubilant.all_agents_idle(s, 'local') and 'local' in s.apps, delay=0.1, timeout=30)
        assert juju.config('local')['greeting'] == 'hi'
        ok(step)

        step = 'secret rename'
        uri = juju.add_secret('renamed', {'token': 'value'})
        juju.cli('update-secret', str(uri), '--name', 'renamed2')
        assert juju.show_secret('renamed2').name == 'renamed2'
        ok(step)

        step = 'debug_log'
        juju.debug_log(limit=5)
        ok(step)

        step = 'remove'
        juju.remove_relation('wordpress', 'mysql')
        juju.remove_application('wordpress', destroy_storage=True)
        juju.wait(lambda s: 'wordpress' not in s.apps, delay=0.1, timeout=30)
        ok(step)
        step = 'destroy temp model'
    ok(step)


try:
    main()
except Exception as e:  # noqa: BLE001
    print('FAIL: %s: %s' % (step, e), flush=True)
    traceback.print_exc()
    sys.exit(1)
